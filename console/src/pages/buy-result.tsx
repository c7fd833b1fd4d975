import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { balanceQuery } from '../api/queries';
import { ErrorNotice, Loading } from '../components/notice';
import { formatTokens } from '../format';
import { strings } from '../strings';
import { PAGES } from '.';

const t = strings.buy;
const POLL_MS = 2000;
type Purchase = Schemas['PurchaseDto'];

/** Where checkout returns (the Stripe success and cancel URLs default here): what happened, and the balance now. */
export function BuyResultPage() {
  const [params] = useSearchParams();
  const purchaseId = params.get('purchase');
  const cancelled = params.get('checkout') === 'cancelled';
  const find = (list?: Purchase[]) => list?.find((p) => p.id === purchaseId) ?? (purchaseId ? undefined : list?.[0]);
  const purchases = useQuery({
    queryKey: ['purchases'],
    queryFn: async () => unwrap(await api.GET('/billing/purchases', { params: { query: { limit: 100 } } })),
    // Until the provider reports the payment, ask again.
    refetchInterval: (query) => (!cancelled && find(query.state.data)?.status === 'pending' ? POLL_MS : false),
  });
  const purchase = find(purchases.data);
  const balance = useQuery({ ...balanceQuery, queryKey: ['balance', purchase?.status] });

  let outcome: string | null = null;
  if (cancelled) outcome = t.cancelled;
  else if (purchase?.status === 'paid') outcome = t.paid(formatTokens(purchase.tokens));
  else if (purchase?.status === 'pending') outcome = t.pending;
  else if (purchase?.status === 'failed') outcome = t.failed;
  else if (purchase) outcome = t.reversed;
  else if (purchases.data) outcome = t.unknown;

  return (
    <>
      <h1>{t.resultTitle}</h1>
      {purchases.isError && <ErrorNotice error={purchases.error} onRetry={() => void purchases.refetch()} />}
      {outcome === null ? (
        <Loading />
      ) : (
        <section className="card">
          <p className="outcome" role="status" data-testid="purchase-outcome">
            {outcome}
          </p>
          {balance.data && <p>{t.newBalance(formatTokens(balance.data.balance))}</p>}
          <div className="actions">
            <Link className="button" to={PAGES.overview}>
              {t.toOverview}
            </Link>
            <Link className="button secondary" to={PAGES.buy}>
              {t.again}
            </Link>
          </div>
        </section>
      )}
    </>
  );
}
