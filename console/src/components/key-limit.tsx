import { useId, useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { textField } from '../form-fields';
import { formatTokens } from '../format';
import { strings } from '../strings';
import { ErrorNotice } from './notice';

const t = strings.keys;
type Key = Schemas['ApiKeyDto'];
type Period = Schemas['KeyLimitDto']['period'];
const PERIODS: Period[] = ['day', 'month', 'total'];

/** A key's spend against its limit in the limit's period, or that it has none. */
export function keyLimitText(key: Key): string {
  if (!key.limit) return t.noLimit;
  return t.limitUse(formatTokens(key.spent), formatTokens(key.limit.tokens), t.periodNow[key.limit.period]);
}

/** Sets, changes or removes one key's spending limit (PUT /api-keys/:id/limit; `null` removes it). */
export function KeyLimitForm({ apiKey, onDone, onCancel }: { apiKey: Key; onDone: (sentence: string) => void; onCancel: () => void }) {
  const id = useId();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const save = async (limit: Schemas['KeyLimitDto'] | null) => {
    setBusy(true);
    setError(undefined);
    try {
      unwrap(await api.PUT('/api-keys/{id}/limit', { params: { path: { id: apiKey.id } }, body: limit }));
      onDone(limit ? t.limitSaved(apiKey.name) : t.limitRemoved(apiKey.name));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void save({ tokens: Number(textField(form, 'tokens')), period: textField(form, 'period') as Period });
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.limitTitle(apiKey.name)}</h2>
      <p className="muted" id={`${id}-hint`}>
        {t.limitHint}
      </p>
      <form className="inline" onSubmit={submit} aria-describedby={`${id}-hint`}>
        <label>
          {t.limitTokens}
          <input name="tokens" type="number" inputMode="numeric" min={1} step={1} required defaultValue={apiKey.limit?.tokens} />
        </label>
        <label>
          {t.limitPeriod}
          <select name="period" defaultValue={apiKey.limit?.period ?? 'month'}>
            {PERIODS.map((period) => (
              <option key={period} value={period}>
                {t.periods[period]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy}>
          {t.saveLimit}
        </button>
        {apiKey.limit && (
          <button type="button" className="danger" disabled={busy} onClick={() => void save(null)}>
            {t.removeLimit}
          </button>
        )}
        <button type="button" className="secondary" onClick={onCancel}>
          {strings.state.cancel}
        </button>
      </form>
      {error !== undefined && <ErrorNotice error={error} />}
    </section>
  );
}
