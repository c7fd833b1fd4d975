import type { ReactNode } from 'react';
import type { Schemas } from '../api/client';
import { formatDate, formatDecimal, formatTokens } from '../format';
import { strings } from '../strings';
import { GrantsSummary } from './promotional-grants';

const t = strings.overview;

/**
 * A balance as its owner sees it, and as an admin sees it on the user's page: the balance as the largest
 * number, the allowance and credits (with the promotional grants inside them), held and owed only when not 0, the plan,
 * the period end and the runway.
 */
export function BalanceCard(props: { balance: Schemas['BalanceDto']; notice?: ReactNode; runway?: (days: string) => string }) {
  const { balance } = props;
  const runway = props.runway ?? t.runway;
  return (
    <section className="card" aria-labelledby="balance-title">
      {props.notice}
      <h2 id="balance-title" className="label">
        {t.balance}
      </h2>
      <p className="balance">
        <span data-testid="balance">{formatTokens(balance.balance)}</span> <span className="unit">{t.tokens}</span>
      </p>
      <dl className="figures">
        <Figure term={t.allowance} value={balance.allowance} testId="allowance" />
        <Figure term={t.credits} value={balance.credits} testId="credits" />
        {balance.held !== 0 && <Figure term={t.held} value={balance.held} testId="held" />}
        {balance.owed !== 0 && <Figure term={t.owed} value={balance.owed} hint={t.owedHint} testId="owed" />}
      </dl>
      <GrantsSummary grants={balance.grants} />
      <p className="muted">
        {t.plan(balance.plan)} · {t.periodEnds(formatDate(balance.periodEnd))} ·{' '}
        {balance.runwayDays === null ? t.noRunway : runway(formatDecimal(balance.runwayDays))}
      </p>
    </section>
  );
}

function Figure({ term, value, hint, testId }: { term: string; value: number; hint?: string; testId: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd className="number" title={hint} data-testid={testId}>
        {formatTokens(value)}
      </dd>
    </div>
  );
}
