import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { type Schemas } from '../api/client';
import { balanceQuery, pricesQuery } from '../api/queries';
import { BalanceCard } from '../components/balance-card';
import { ErrorNotice, Loading } from '../components/notice';
import { strings } from '../strings';
import { PAGES } from '.';

// The chart library is most of the console's weight: it loads beside the balance, not before it.
const UsageChart = lazy(() => import('../components/usage-chart').then((chart) => ({ default: chart.UsageChart })));
const t = strings.overview;

export function OverviewPage() {
  const balance = useQuery(balanceQuery);
  const prices = useQuery(pricesQuery);
  return (
    <>
      <div className="page-head">
        <h1>{t.title}</h1>
        <Link className="button" to={PAGES.buy}>
          {strings.nav.buy}
        </Link>
      </div>
      {balance.isError && <ErrorNotice error={balance.error} onRetry={() => void balance.refetch()} />}
      {balance.data ? (
        <BalanceCard balance={balance.data} notice={<BalanceNotice balance={balance.data} />} />
      ) : (
        balance.isPending && <Loading />
      )}
      <Suspense fallback={<Loading />}>
        <UsageChart />
      </Suspense>
      {balance.data && prices.data && <Services prices={prices.data} balance={balance.data.balance} />}
    </>
  );
}

function BalanceNotice({ balance }: { balance: Schemas['BalanceDto'] }) {
  const empty = balance.balance === 0;
  if (!empty && !balance.featuresDisabled) return null;
  return (
    <div className="notice warning" role="status">
      <p>
        <strong>{empty ? t.emptyTitle : t.lowTitle}</strong> {t.emptyText}
      </p>
      <Link className="button" to={PAGES.buy}>
        {strings.nav.buy}
      </Link>
    </div>
  );
}

/**
 * Prices of a model's tokens (`ai_completion:<model>:input`) are per 1,000 tokens, and a completion
 * runs with a lowered output limit when the balance is short: only an empty balance stops those.
 */
const perThousand = (price: Schemas['PriceDto']) => price.action.includes(':');

/** What the tokens buy; what the balance cannot pay for shows as disabled. */
function Services({ prices, balance }: { prices: Schemas['PriceDto'][]; balance: number }) {
  return (
    <section className="card" aria-labelledby="services-title">
      <h2 id="services-title">{t.services}</h2>
      <ul className="services">
        {prices.map((price) => {
          const disabled = balance === 0 || (!perThousand(price) && price.cost > balance);
          return (
            <li key={price.action} className={disabled ? 'disabled' : undefined} aria-disabled={disabled}>
              <span>
                <code>{price.action}</code> <span className="muted">{price.description}</span>
              </span>
              {disabled && <span className="number">{t.needsTokens}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
