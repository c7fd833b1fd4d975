import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Schemas } from '../api/client';
import { actionPrices, pricesQuery } from '../api/queries';
import { amountClass, formatDate, formatDateTime, formatSigned, formatTokens } from '../format';
import { ledgerLines, type LedgerLine } from '../ledger-lines';
import { strings } from '../strings';
import { Empty, ErrorNotice, Loading } from './notice';

const t = strings.activity;
const PAGE_SIZE = 50;

type Filters = { type: string; action: string };
/** What one page of a ledger is asked with: the transactions routes' query. */
export type LedgerQuery = { limit: number; cursor?: string; type?: string; action?: string };
export type LedgerPage = { items: Schemas['LedgerEntryDto'][]; nextCursor: string | null };

function describe(line: LedgerLine): string {
  const c = line.completion;
  if (c) {
    if (!c.settled) return t.completionOpen(c.model);
    return t.completion(c.model, formatTokens(c.promptTokens), formatTokens(c.completionTokens), formatTokens(-line.amount));
  }
  const entry = line.entries[0];
  const metadata = (entry.metadata ?? {}) as Record<string, unknown>;
  const reason = typeof metadata.reason === 'string' ? metadata.reason : null;
  // A promotional grant says until when; its grant_expiry entry is labelled by its type alone.
  const promotion =
    entry.type === 'admin_grant' && typeof metadata.expiresAt === 'string' ? t.promotional(formatDate(metadata.expiresAt)) : null;
  return [strings.types[entry.type] ?? entry.type, entry.action, reason, promotion].filter(Boolean).join(' · ');
}

/**
 * A ledger, newest first, with filters by type and action and older pages on demand: the caller's own
 * (Activity) or, for admins, a user's. Its queries are keyed under `queryKey`, so invalidating that refreshes it.
 */
export function Ledger(props: { queryKey: readonly unknown[]; fetchPage: (query: LedgerQuery) => Promise<LedgerPage>; empty: string }) {
  const [filters, setFilters] = useState<Filters>({ type: '', action: '' });
  const prices = useQuery(pricesQuery);
  const pages = useInfiniteQuery({
    queryKey: [...props.queryKey, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      props.fetchPage({
        limit: PAGE_SIZE,
        ...(pageParam && { cursor: pageParam }),
        ...(filters.type && { type: filters.type }),
        ...(filters.action && { action: filters.action }),
      }),
    getNextPageParam: (page) => page.nextCursor,
  });
  const entries = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const loading = pages.isPending || pages.isFetchingNextPage;
  const error = pages.isError ? pages.error : undefined;

  const lines = ledgerLines(entries);
  return (
    <>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.type}
          <select value={filters.type} onChange={(event) => setFilters({ ...filters, type: event.target.value })}>
            <option value="">{t.any}</option>
            {Object.entries(strings.types).map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.action}
          <select value={filters.action} onChange={(event) => setFilters({ ...filters, action: event.target.value })}>
            <option value="">{t.any}</option>
            {actionPrices(prices.data ?? []).map((price) => (
              <option key={price.action} value={price.action}>
                {price.action}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error !== undefined && <ErrorNotice error={error} onRetry={() => void pages.refetch()} />}
      {!loading && lines.length === 0 && error === undefined ? <Empty>{props.empty}</Empty> : <LedgerTable lines={lines} />}
      {loading && <Loading />}
      {pages.hasNextPage && !loading && (
        <button type="button" className="secondary" onClick={() => void pages.fetchNextPage()}>
          {t.more}
        </button>
      )}
    </>
  );
}

function LedgerTable({ lines }: { lines: LedgerLine[] }) {
  return (
    <table className="ledger">
      <thead>
        <tr>
          <th scope="col">{t.time}</th>
          <th scope="col">{t.what}</th>
          <th scope="col" className="number">
            {t.amount}
          </th>
          <th scope="col" className="number">
            {t.balanceAfter}
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.id}>
            <td>{formatDateTime(line.createdAt)}</td>
            <td>
              {describe(line)}
              <Details line={line} />
            </td>
            <td className={'number ' + amountClass(line.amount)}>{formatSigned(line.amount)}</td>
            <td className="number">{formatTokens(line.balanceAfter)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Details({ line }: { line: LedgerLine }) {
  return (
    <details>
      <summary>{t.details}</summary>
      <ul className="entries">
        {line.entries.map((entry) => (
          <li key={entry.id}>
            {strings.types[entry.type] ?? entry.type}: <span className={amountClass(entry.amount)}>{formatSigned(entry.amount)}</span>
            {entry.requestId && (
              <>
                {' '}
                · {t.requestId} <code>{entry.requestId}</code>
              </>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
