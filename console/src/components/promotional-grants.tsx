import type { Schemas } from '../api/client';
import { formatDate, formatDateTime, formatTokens } from '../format';
import { strings } from '../strings';
import { Empty } from './notice';

type Grant = Schemas['PromotionalGrantDto'];

/** The promotional grants inside the credits, as their owner reads them: what is left of each and when it expires. */
export function GrantsSummary({ grants }: { grants: Grant[] }) {
  const t = strings.overview;
  if (grants.length === 0) return null;
  return (
    <div className="grants">
      <h3 className="label">{t.grants}</h3>
      <ul data-testid="grants">
        {grants.map((grant) => (
          <li key={grant.id}>
            <span>{grant.reason}</span>{' '}
            <span className="number">{t.grantLeft(formatTokens(grant.remaining), formatTokens(grant.amount))}</span>{' '}
            <span className="muted">· {grant.remaining === 0 ? t.grantSpent : t.grantExpires(formatDate(grant.expiresAt))}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An account's promotional grants for an admin, in the order they are spent. */
export function GrantsTable({ grants }: { grants: Grant[] }) {
  const t = strings.admin.account;
  return (
    <section className="card" aria-labelledby="grants-title">
      <h2 id="grants-title">{t.grants}</h2>
      {grants.length === 0 ? (
        <Empty>{t.grantsEmpty}</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.reason}</th>
              <th scope="col" className="number">
                {t.grantAmount}
              </th>
              <th scope="col" className="number">
                {t.grantRemaining}
              </th>
              <th scope="col" className="number">
                {t.priority}
              </th>
              <th scope="col">{t.grantExpires}</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((grant) => (
              <tr key={grant.id}>
                <td>{grant.reason}</td>
                <td className="number">{formatTokens(grant.amount)}</td>
                <td className="number">{formatTokens(grant.remaining)}</td>
                <td className="number">{grant.priority}</td>
                <td>{formatDateTime(grant.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
