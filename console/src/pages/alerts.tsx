import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { CopyButton } from '../components/copy-button';
import { Empty, ErrorNotice, Loading } from '../components/notice';
import { formatDateTime, formatTokens } from '../format';
import { strings } from '../strings';
import { AlertsForm } from './alerts-form';

const t = strings.alerts;

/** Balance alerts: the thresholds and webhook, the signing secret once after saving, and the last deliveries. */
export function AlertsPage() {
  const alerts = useQuery({ queryKey: ['alerts'], queryFn: async () => unwrap(await api.GET('/alerts')) });
  const [saved, setSaved] = useState<Schemas['SavedAlertSettingDto'] | null>(null);
  return (
    <>
      <h1>{t.title}</h1>
      <p className="muted">{t.intro}</p>
      {alerts.isError && <ErrorNotice error={alerts.error} onRetry={() => void alerts.refetch()} />}
      {alerts.isPending && <Loading />}
      {saved && (
        <section className="card notice" aria-labelledby="secret-title">
          <p className="notice success" role="status">
            {t.saved}
          </p>
          <h2 id="secret-title">{t.secretTitle}</h2>
          <p>
            <strong>{t.secretWarning}</strong>
          </p>
          <p>
            <code className="secret" data-testid="signing-secret">
              {saved.signingSecret}
            </code>{' '}
            <CopyButton text={saved.signingSecret} label={t.copySecret} copied={strings.keys.copied} />
          </p>
        </section>
      )}
      {alerts.data && (
        <>
          <AlertsForm
            key={alerts.data.updatedAt ?? 'never'}
            setting={alerts.data}
            onSaved={(answer) => {
              setSaved(answer);
              void alerts.refetch();
            }}
          />
          <Deliveries deliveries={alerts.data.deliveries} />
        </>
      )}
    </>
  );
}

function Deliveries({ deliveries }: { deliveries: Schemas['AlertDeliveryDto'][] }) {
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">{t.deliveries}</h2>
      {deliveries.length === 0 ? (
        <Empty>{t.noDeliveries}</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.event}</th>
              <th scope="col" className="number">
                {t.thresholdColumn}
              </th>
              <th scope="col">{t.status}</th>
              <th scope="col" className="number">
                {t.attempts}
              </th>
              <th scope="col">{t.lastAttempt}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>
                  <code>{delivery.event}</code>
                </td>
                <td className="number">{delivery.threshold === null ? strings.state.none : formatTokens(delivery.threshold)}</td>
                <td title={delivery.lastError ?? undefined}>{t.statuses[delivery.status] ?? delivery.status}</td>
                <td className="number">{formatTokens(delivery.attempts)}</td>
                <td>{delivery.lastAttemptAt ? formatDateTime(delivery.lastAttemptAt) : strings.state.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
