import type { Schemas } from './api/client';

type Entry = Schemas['LedgerEntryDto'];

/** One line of the activity table: a ledger entry, or a completion's hold, release and usage read together. */
export interface LedgerLine {
  id: string;
  createdAt: string;
  /** Net amount of the line's entries. */
  amount: number;
  balanceAfter: number;
  entries: Entry[];
  completion?: { model: string; promptTokens: number; completionTokens: number; settled: boolean };
}

const metadataOf = (entry: Entry) => (entry.metadata ?? {}) as Record<string, unknown>;

/**
 * Groups a newest-first page of entries into lines: the entries of one request that held tokens
 * (hold, hold_release, usage, refund) become one line, dated by its newest entry.
 */
export function ledgerLines(entries: Entry[]): LedgerLine[] {
  const holdRequests = new Set(entries.filter((e) => e.type === 'hold' && e.requestId).map((e) => e.requestId));
  const lines: LedgerLine[] = [];
  const byRequest = new Map<string, LedgerLine>();
  for (const entry of entries) {
    const request = entry.requestId;
    if (request && holdRequests.has(request)) {
      const line = byRequest.get(request);
      if (line) {
        line.entries.push(entry);
        line.amount += entry.amount;
        continue;
      }
      const grouped: LedgerLine = {
        id: entry.id,
        createdAt: entry.createdAt,
        amount: entry.amount,
        balanceAfter: entry.balanceAfter,
        entries: [entry],
      };
      byRequest.set(request, grouped);
      lines.push(grouped);
      continue;
    }
    lines.push({ id: entry.id, createdAt: entry.createdAt, amount: entry.amount, balanceAfter: entry.balanceAfter, entries: [entry] });
  }
  for (const line of byRequest.values()) {
    const usage = line.entries.find((e) => e.type === 'usage');
    const hold = line.entries.find((e) => e.type === 'hold');
    const metadata = metadataOf(usage ?? hold!);
    line.completion = {
      model: typeof metadata.model === 'string' ? metadata.model : (hold?.action ?? ''),
      promptTokens: Number(metadata.promptTokens ?? 0),
      completionTokens: Number(metadata.completionTokens ?? 0),
      settled: usage !== undefined || line.entries.some((e) => e.type === 'hold_release'),
    };
  }
  return lines;
}
