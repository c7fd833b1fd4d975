/**
 * The statements of usage per day. Net spend is what an account's `usage` entries took minus what its
 * `refund` entries gave back; holds are left out (a settled hold's `hold` and `hold_release` cancel
 * out, and its `usage` entry is the price; an open hold is not spent yet). A refund always gives back
 * one whole charge, so a request is a usage entry, less one per refund.
 */

/** A usage row: one account's net spend on one UTC day, for one action and model ('' for none). */
export interface UsageRow {
  day: string;
  action: string;
  model: string;
  tokens: number;
  requests: number;
}

/** The longest model name kept apart (the column's length); longer names are cut. */
export const MODEL_KEY_LENGTH = 128;

interface Dialect {
  day: (column: string) => string;
  jsonText: (column: string, path: string) => string;
}

const MYSQL: Dialect = {
  day: (column) => `DATE_FORMAT(${column}, '%Y-%m-%d')`,
  jsonText: (column, path) => `JSON_UNQUOTE(JSON_EXTRACT(${column}, '$.${path}'))`,
};

// SQLite stores a datetime as 'YYYY-MM-DD HH:MM:SS.SSS' text; its json_extract answers a string as text.
const SQLITE: Dialect = {
  day: (column) => `SUBSTR(${column}, 1, 10)`,
  jsonText: (column, path) => `json_extract(${column}, '$.${path}')`,
};

const SPENDING = `e.user_id = ? AND e.created_at >= ? AND e.created_at < ? AND e.type IN ('usage', 'refund')`;

/**
 * One account's usage rows in `[from, until)` from the ledger, per day and action, and with
 * `withModel` per model too: a usage entry's `metadata.model`, a refund's from the entry it refunds
 * (`metadata.refundOf`, found by the ledger's unique id). Parameters: payer, from, until.
 */
export function ledgerUsageSql(mysql: boolean, withModel: boolean): string {
  const sql = mysql ? MYSQL : SQLITE;
  const model = withModel
    ? `SUBSTR(COALESCE(${sql.jsonText('e.metadata', 'model')}, ${sql.jsonText('r.metadata', 'model')}, ''), 1, ${MODEL_KEY_LENGTH})`
    : `''`;
  const refunded = withModel
    ? `LEFT JOIN token_ledger_entries r ON e.type = 'refund' AND r.id = ${sql.jsonText('e.metadata', 'refundOf')} AND r.user_id = e.user_id`
    : '';
  return `
    SELECT ${sql.day('e.created_at')} AS usage_day, COALESCE(e.action, '') AS usage_action, ${model} AS usage_model,
           0 - SUM(e.amount) AS tokens, SUM(CASE WHEN e.type = 'usage' THEN 1 ELSE -1 END) AS requests
      FROM token_ledger_entries e ${refunded}
     WHERE ${SPENDING}
     GROUP BY 1, 2, 3`;
}

/** One account's net spend in `[from, until)` from the ledger. Parameters: payer, from, until. */
export const LEDGER_SPENT = `SELECT COALESCE(0 - SUM(e.amount), 0) AS tokens FROM token_ledger_entries e WHERE ${SPENDING}`;

/** The rolled-up usage rows of one account in `[from, until)` (days). Parameters: payer, from, until. */
export const ROLLED_USAGE = `
  SELECT day AS usage_day, action AS usage_action, model AS usage_model, tokens, requests
    FROM token_usage_days
   WHERE user_id = ? AND day >= ? AND day < ?`;

/** One account's rolled-up net spend over the days `[from, until)`. Parameters: payer, from, until. */
export const ROLLED_SPENT = 'SELECT COALESCE(SUM(tokens), 0) AS tokens FROM token_usage_days WHERE user_id = ? AND day >= ? AND day < ?';

export interface UsageRecord {
  usage_day: unknown;
  usage_action: string;
  usage_model: string;
  tokens: number | string;
  requests: number | string;
}
