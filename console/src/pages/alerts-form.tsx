import { useId, useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorNotice } from '../components/notice';
import { formatTokens } from '../format';
import { strings } from '../strings';

const t = strings.alerts;
/** The API's bound on the number of thresholds. */
export const MAX_THRESHOLDS = 10;

type Unit = 'tokens' | 'percent';
type Row = { id: number; value: string; unit: Unit };
type Threshold = Schemas['AlertThresholdDto'];

let nextRow = 0;
const row = (value = '', unit: Unit = 'tokens'): Row => ({ id: nextRow++, value, unit });
const rowOf = (threshold: Threshold): Row =>
  threshold.percentOfAllowance !== undefined ? row(String(threshold.percentOfAllowance), 'percent') : row(String(threshold.tokens ?? ''));
const thresholdOf = (r: Row): Threshold => (r.unit === 'percent' ? { percentOfAllowance: Number(r.value) } : { tokens: Number(r.value) });

/** The thresholds (tokens or percent of the allowance) and the webhook URL; saving answers the new signing secret, once. */
export function AlertsForm(props: { setting: Schemas['AlertsDto']; onSaved: (saved: Schemas['SavedAlertSettingDto']) => void }) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => props.setting.thresholds.map(rowOf));
  const [webhookUrl, setWebhookUrl] = useState(props.setting.webhookUrl ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const change = (changed: Row) => setRows(rows.map((r) => (r.id === changed.id ? changed : r)));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSaved(unwrap(await api.PUT('/alerts', { body: { thresholds: rows.map(thresholdOf), webhookUrl: webhookUrl.trim() } })));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.thresholds}</h2>
      {rows.length === 0 && <p className="muted">{t.none}</p>}
      {rows.map((r, index) => {
        const n = formatTokens(index + 1);
        return (
          <div key={r.id} className="inline">
            <label>
              {t.threshold(n)}
              <input
                type="number"
                inputMode="decimal"
                required
                min={r.unit === 'percent' ? 0.01 : 1}
                max={r.unit === 'percent' ? 100 : undefined}
                step={r.unit === 'percent' ? 0.01 : 1}
                value={r.value}
                onChange={(event) => change({ ...r, value: event.target.value })}
              />
            </label>
            <label>
              <span className="sr-only">{t.unit(n)}</span>
              <select value={r.unit} onChange={(event) => change({ ...r, unit: event.target.value as Unit })}>
                <option value="tokens">{t.units.tokens}</option>
                <option value="percent">{t.units.percent}</option>
              </select>
            </label>
            <button type="button" className="secondary" onClick={() => setRows(rows.filter((other) => other.id !== r.id))}>
              {t.remove(n)}
            </button>
          </div>
        );
      })}
      <div>
        <button type="button" className="secondary" disabled={rows.length >= MAX_THRESHOLDS} onClick={() => setRows([...rows, row()])}>
          {t.add}
        </button>{' '}
        {rows.length >= MAX_THRESHOLDS && <span className="muted">{t.atMost(formatTokens(MAX_THRESHOLDS))}</span>}
      </div>
      <label>
        {t.webhookUrl}
        <input
          type="url"
          required
          maxLength={2000}
          value={webhookUrl}
          onChange={(event) => setWebhookUrl(event.target.value)}
          aria-describedby={`${id}-hint`}
        />
      </label>
      <p id={`${id}-hint`} className="muted hint">
        {t.webhookHint}
      </p>
      <div>
        <button type="submit" disabled={busy}>
          {t.save}
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
    </form>
  );
}
