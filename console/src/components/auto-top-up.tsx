import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { textField } from '../form-fields';
import { formatDateTime, formatMoney, formatTokens } from '../format';
import { strings } from '../strings';
import { ErrorNotice, Loading } from './notice';

const t = strings.topUp;
type Package = Schemas['TokenPackageDto'];
type Setting = Schemas['AutoTopUpSettingDto'];
export const autoTopUpQuery = { queryKey: ['auto-top-up'], queryFn: async () => unwrap(await api.GET('/billing/auto-top-up')) };

const packageLabel = (item: Package) => `${item.name} · ${formatMoney(item.priceCents, item.currency)}`;

/** Automatic top-up: what it does now, this month's spend and the last attempt, and the form that changes it. */
export function AutoTopUp({ packages }: { packages: Package[] }) {
  const id = useId();
  const setting = useQuery(autoTopUpQuery);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.title}</h2>
      <p className="muted">{t.intro}</p>
      {setting.isError && <ErrorNotice error={setting.error} onRetry={() => void setting.refetch()} />}
      {setting.isPending && <Loading />}
      {setting.data && (
        <>
          <Status setting={setting.data} packages={packages} />
          {/* A saved setting remounts the form with what the service now holds. */}
          <AutoTopUpForm key={JSON.stringify(setting.data)} setting={setting.data} packages={packages} onSaving={setSaved} />
        </>
      )}
      {saved && (
        <p className="notice success" role="status">
          {t.saved}
        </p>
      )}
    </section>
  );
}

function Status({ setting, packages }: { setting: Setting; packages: Package[] }) {
  const chosen = packages.find((item) => item.code === setting.packageCode);
  const money = (cents: number) => formatMoney(cents, chosen?.currency ?? 'usd');
  const on = setting.enabled && chosen && setting.thresholdTokens !== null && setting.monthlyLimitCents !== null;
  return (
    <div data-testid="auto-top-up-status">
      <p>
        <strong>
          {on ? t.on(formatTokens(setting.thresholdTokens!), packageLabel(chosen), money(setting.monthlyLimitCents!)) : t.off}
        </strong>
      </p>
      <p className="muted">{setting.paymentMethodSaved ? t.cardSaved : t.noCardYet}</p>
      {setting.monthlyLimitCents !== null && <p>{t.spent(money(setting.spentThisMonthCents), money(setting.monthlyLimitCents))}</p>}
      {setting.lastAttempt && (
        <p className={setting.lastAttempt.status === 'failed' ? 'notice warning' : undefined}>
          {t.last(formatDateTime(setting.lastAttempt.at), t.statuses[setting.lastAttempt.status] ?? setting.lastAttempt.status)}
        </p>
      )}
    </div>
  );
}

/** `onSaving(true)` once the service holds the new setting; `onSaving(false)` when a new save starts. */
function AutoTopUpForm(props: { setting: Setting; packages: Package[]; onSaving: (saved: boolean) => void }) {
  const { setting, packages } = props;
  const id = useId();
  const queries = useQueryClient();
  const [packageCode, setPackageCode] = useState(setting.packageCode ?? packages[0]?.code ?? '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const currency = (packages.find((item) => item.code === packageCode)?.currency ?? 'usd').toUpperCase();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    setError(undefined);
    props.onSaving(false);
    try {
      const body = {
        enabled: new FormData(form).get('enabled') === 'on',
        thresholdTokens: Number(textField(form, 'thresholdTokens')),
        packageCode,
        monthlyLimitCents: Math.round(Number(textField(form, 'monthlyLimit')) * 100),
      };
      queries.setQueryData(autoTopUpQuery.queryKey, unwrap(await api.PUT('/billing/auto-top-up', { body })));
      props.onSaving(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const noCard = error instanceof ApiError && error.code === 'NO_PAYMENT_METHOD';
  return (
    <form className="stack" onSubmit={(event) => void submit(event)}>
      <label className="check">
        <input name="enabled" type="checkbox" defaultChecked={setting.enabled} /> {t.enabled}
      </label>
      <label>
        {t.threshold}
        <input
          name="thresholdTokens"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          defaultValue={setting.thresholdTokens ?? undefined}
        />
      </label>
      <label>
        {t.package}
        <select value={packageCode} onChange={(event) => setPackageCode(event.target.value)}>
          {packages.map((item) => (
            <option key={item.code} value={item.code}>
              {packageLabel(item)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.monthlyLimit(currency)}
        <input
          name="monthlyLimit"
          type="number"
          inputMode="decimal"
          min={0.01}
          step={0.01}
          required
          defaultValue={setting.monthlyLimitCents === null ? undefined : setting.monthlyLimitCents / 100}
          aria-describedby={`${id}-limit-hint`}
        />
      </label>
      <p id={`${id}-limit-hint`} className="muted hint">
        {t.monthlyLimitHint}
      </p>
      <div>
        <button type="submit" disabled={busy}>
          {t.save}
        </button>
      </div>
      {noCard ? (
        <div className="notice warning" role="alert">
          <p>
            <strong>{t.noCard}</strong> {t.noCardHow}
          </p>
        </div>
      ) : (
        error !== undefined && <ErrorNotice error={error} />
      )}
    </form>
  );
}
