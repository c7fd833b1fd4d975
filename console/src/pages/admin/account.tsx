import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { adminUserKey, adminUserQuery } from '../../api/queries';
import { BalanceCard } from '../../components/balance-card';
import { Ledger, type LedgerQuery } from '../../components/ledger';
import { ErrorNotice, Loading } from '../../components/notice';
import { GrantsTable } from '../../components/promotional-grants';
import { formatDate } from '../../format';
import { strings } from '../../strings';
import { PAGES } from '..';
import { AdjustTokensForm } from './adjust-tokens';
import { ChangePlanForm } from './change-plan';

const t = strings.admin.account;

/**
 * One user's account as an admin sees it: the overview the user sees, grant (promotional or not), deduct,
 * plan change, the promotional grants and the whole ledger.
 */
export function AdminAccountPage() {
  const userId = useParams().userId ?? '';
  const user = useQuery(adminUserQuery(userId));
  const fetchLedger = async (query: LedgerQuery) =>
    unwrap(await api.GET('/admin/users/{userId}/tokens/transactions', { params: { path: { userId }, query: query as never } }));

  return (
    <>
      <p>
        <Link to={PAGES.adminUsers}>{t.back}</Link>
      </p>
      {user.isError && <ErrorNotice error={user.error} onRetry={() => void user.refetch()} />}
      {user.isPending && <Loading />}
      {user.data && (
        <>
          <div className="page-head">
            <div>
              <h1>{user.data.email}</h1>
              <p className="muted">
                {[user.data.name, user.data.role === 'admin' ? t.admin : null, t.since(formatDate(user.data.createdAt))]
                  .filter(Boolean)
                  .join(' · ')}{' '}
                · {t.userId} <code>{user.data.id}</code>
              </p>
            </div>
          </div>
          {/* Without a subscription there is no account to show, grant to, deduct from, move or list. */}
          {user.data.balance ? (
            <>
              <BalanceCard
                balance={user.data.balance}
                runway={t.runway}
                notice={
                  user.data.balance.balance === 0 && (
                    <p className="notice warning" role="status">
                      {t.emptyBalance}
                    </p>
                  )
                }
              />
              <div className="columns">
                <AdjustTokensForm kind="grant" user={user.data} />
                <AdjustTokensForm kind="deduct" user={user.data} />
                <ChangePlanForm user={user.data} current={user.data.subscription?.plan.code ?? null} />
              </div>
              <GrantsTable grants={user.data.balance.grants} />
              <section aria-labelledby="ledger-title">
                <h2 id="ledger-title">{t.ledger}</h2>
                <Ledger queryKey={[...adminUserKey(userId), 'ledger']} fetchPage={fetchLedger} empty={t.ledgerEmpty} />
              </section>
            </>
          ) : (
            <p className="notice">{t.noAccount}</p>
          )}
        </>
      )}
    </>
  );
}
