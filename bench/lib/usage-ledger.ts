import type { Connection } from 'mysql2/promise';

/**
 * A ledger of 1,000,000 rows for the usage benchmark, written with INSERT ... SELECT from MariaDB's
 * sequence tables (`seq_1_to_N`), not through the API: the busy account's `busyRows` over the last
 * 30 days up to now, and `otherAccounts` accounts of `otherRows` each over the last 90 days. The
 * ledger's append-only triggers refuse updates and deletes, not inserts. The rows are shaped like the
 * service's (fixed-price usage of four actions, completions as hold, hold_release and usage with the
 * model in the metadata, a refund now and then) but are not a consistent ledger: balances and
 * account rows are left as they were, so the benchmark only reads.
 */
export const LEDGER_SHAPE = { busyRows: 300_000, otherAccounts: 700, otherRows: 1_000, busyDays: 30, otherDays: 90 };

/** Ids of the busy account's rows: `ffffffff-0000-4000-8000-<seq in hex>`. */
const busyId = (seq: string) => `CONCAT('ffffffff-0000-4000-8000-', LPAD(HEX(${seq}), 12, '0'))`;

// The sequence tables' `seq` is unsigned: amounts are cast to signed before they are negated.
// Per block of 20 rows: 9 fixed-price usage rows (one of them refunded in every fifth block), three
// completions (hold, hold_release, usage), two more fixed-price rows. One action per block.
const KIND = 's.seq % 20';
const BLOCK_ACTION = "ELT(1 + FLOOR(s.seq / 20) % 4, 'ai_chat_message', 'generate_seo_title', 'find_image', 'business_collector')";
const BLOCK_PRICE = 'CAST(ELT(1 + FLOOR(s.seq / 20) % 4, 1, 300, 100, 20) AS SIGNED)';
const IS_REFUND = `(${KIND} = 8 AND s.seq % 100 = 8)`;
const BUSY_AMOUNT = `CASE WHEN ${KIND} IN (9, 12, 15) THEN -250 WHEN ${KIND} IN (10, 13, 16) THEN 250
                         WHEN ${KIND} IN (11, 14, 17) THEN 0 - CAST(20 + s.seq % 180 AS SIGNED)
                         WHEN ${IS_REFUND} THEN ${BLOCK_PRICE} ELSE 0 - ${BLOCK_PRICE} END`;
const BUSY_ROWS = `
  SELECT ?, 1000 + s.seq, ${busyId('s.seq')},
         CASE WHEN ${KIND} IN (9, 12, 15) THEN 'hold' WHEN ${KIND} IN (10, 13, 16) THEN 'hold_release'
              WHEN ${IS_REFUND} THEN 'refund' ELSE 'usage' END,
         CASE WHEN ${KIND} BETWEEN 9 AND 17 THEN 'ai_completion' ELSE ${BLOCK_ACTION} END,
         ${BUSY_AMOUNT},
         0, ${BUSY_AMOUNT}, 500000000,
         CASE WHEN ${KIND} IN (11, 14, 17)
                THEN CONCAT('{"holdId":"h","model":"', ELT(1 + s.seq % 3, 'gpt-4o-mini', 'gpt-4o', 'local'),
                            '","promptTokens":', 10 + s.seq % 50, ',"completionTokens":', 5 + s.seq % 80, '}')
              WHEN ${KIND} IN (10, 13, 16) THEN '{"holdId":"h","reason":"settled"}'
              WHEN ${IS_REFUND} THEN CONCAT('{"refundOf":"', ${busyId('s.seq - 1')}, '","reason":"SERVICE_FAILED"}')
              ELSE NULL END,
         UTC_TIMESTAMP(3) - INTERVAL ((? - s.seq) * ?) MICROSECOND
    FROM seq_1_to_${LEDGER_SHAPE.busyRows} s`;

/** `rows` more of the busy account's rows spread over today so far (ids and seqs after the others). */
const TODAY_ROWS = (rows: number) => `
  SELECT ?, 2000000 + s.seq, ${busyId('2000000 + s.seq')}, 'usage', 'ai_chat_message', -1, 0, -1, 500000000, NULL,
         UTC_TIMESTAMP(3) - INTERVAL ((${rows} - s.seq) * ?) MICROSECOND
    FROM seq_1_to_${rows} s`;

const OTHER_ROWS = (firstAccount: number, lastAccount: number) => `
  SELECT CONCAT(LPAD(HEX(u.seq), 8, '0'), '-0000-4000-8000-000000000000'), s.seq,
         CONCAT(LPAD(HEX(u.seq), 8, '0'), '-0000-4000-8000-', LPAD(HEX(s.seq), 12, '0')),
         'usage', ELT(1 + s.seq % 4, 'ai_chat_message', 'generate_seo_title', 'find_image', 'business_collector'),
         -5, 0, -5, 1000, NULL, UTC_TIMESTAMP(3) - INTERVAL ((? - s.seq) * ?) MICROSECOND
    FROM seq_${firstAccount}_to_${lastAccount} u JOIN seq_1_to_${LEDGER_SHAPE.otherRows} s`;

const COLUMNS = '(user_id, seq, id, type, action, amount, allowance_amount, credits_amount, balance_after, metadata, created_at)';
const DAY_US = 24 * 3600 * 1_000_000;

/** Writes the rows; answers how many the ledger holds then. */
export async function fillLedger(connection: Connection, busyUserId: string, log: (line: string) => void): Promise<number> {
  const { busyRows, otherAccounts, otherRows, busyDays, otherDays } = LEDGER_SHAPE;
  let started = Date.now();
  await connection.query(`INSERT INTO token_ledger_entries ${COLUMNS} ${BUSY_ROWS}`, [
    busyUserId,
    busyRows,
    Math.floor((busyDays * DAY_US) / busyRows),
  ]);
  log(`busy account: ${busyRows.toLocaleString('en-US')} rows over ${busyDays} days in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  for (let first = 1; first <= otherAccounts; first += 100) {
    const last = Math.min(first + 99, otherAccounts);
    await connection.query(`INSERT INTO token_ledger_entries ${COLUMNS} ${OTHER_ROWS(first, last)}`, [
      otherRows,
      Math.floor((otherDays * DAY_US) / otherRows),
    ]);
  }
  log(
    `${otherAccounts} other accounts: ${(otherAccounts * otherRows).toLocaleString('en-US')} rows over ${otherDays} days in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await connection.query('ANALYZE TABLE token_ledger_entries');
  const [[{ n }]] = (await connection.query('SELECT COUNT(*) AS n FROM token_ledger_entries')) as unknown as [[{ n: number | string }]];
  return Number(n);
}

/**
 * Adds a full day's worth of the busy account's rows (its average: `busyRows / busyDays`) to today so
 * far: the most a usage query reads from the ledger, at the end of a busy day.
 */
export async function fillToday(connection: Connection, busyUserId: string): Promise<number> {
  const rows = LEDGER_SHAPE.busyRows / LEDGER_SHAPE.busyDays;
  const now = new Date();
  const sinceMidnightUs = (now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) * 1000;
  await connection.query(`INSERT INTO token_ledger_entries ${COLUMNS} ${TODAY_ROWS(rows)}`, [
    busyUserId,
    Math.floor(sinceMidnightUs / rows),
  ]);
  return rows;
}

/**
 * The busy account's net spend over the days `[from, until)` straight from the ledger, per day and
 * action, and the time that took: what a usage query would cost without the rollup (index on
 * user_id, created_at).
 */
export const LEDGER_ONLY_USAGE = `
  SELECT DATE_FORMAT(created_at, '%Y-%m-%d') AS day, action, 0 - SUM(amount) AS tokens,
         SUM(CASE WHEN type = 'usage' THEN 1 ELSE -1 END) AS requests
    FROM token_ledger_entries
   WHERE user_id = ? AND created_at >= ? AND created_at < ? AND type IN ('usage', 'refund')
   GROUP BY 1, 2`;

/** The busy account's net spend and requests over `[from, until)`, from the ledger: what every answer's totals must be. */
export const LEDGER_TOTALS = `
  SELECT COALESCE(0 - SUM(amount), 0) AS tokens, COALESCE(SUM(CASE WHEN type = 'usage' THEN 1 ELSE -1 END), 0) AS requests
    FROM token_ledger_entries
   WHERE user_id = ? AND created_at >= ? AND created_at < ? AND type IN ('usage', 'refund')`;
