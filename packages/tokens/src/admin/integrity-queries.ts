/** The integrity report's queries: set-based, one per kind of problem, each counting all its findings (`total`). */

/** Accounts whose balance is not the sum of their ledger (no rows: a sum of 0). */
export const MISMATCHES = `
  SELECT a.user_id AS user_id, a.balance AS balance, COALESCE(s.ledger_sum, 0) AS ledger_sum, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, SUM(amount) AS ledger_sum FROM token_ledger_entries GROUP BY user_id) s ON s.user_id = a.user_id
   WHERE a.balance <> COALESCE(s.ledger_sum, 0)
   ORDER BY a.user_id
   LIMIT ?`;

/** Accounts whose allowance or credits are not the sum of their movements, are negative, or do not add up to the balance. */
export const BUCKET_MISMATCHES = `
  SELECT a.user_id AS user_id, a.balance AS balance, a.allowance AS allowance, a.credits AS credits,
         COALESCE(s.allowance_sum, 0) AS ledger_allowance, COALESCE(s.credits_sum, 0) AS ledger_credits, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, SUM(allowance_amount) AS allowance_sum, SUM(credits_amount) AS credits_sum FROM token_ledger_entries GROUP BY user_id) s
      ON s.user_id = a.user_id
   WHERE a.allowance <> COALESCE(s.allowance_sum, 0) OR a.credits <> COALESCE(s.credits_sum, 0)
      OR a.allowance < 0 OR a.credits < 0 OR a.balance <> a.allowance + a.credits
   ORDER BY a.user_id
   LIMIT ?`;

/** Rows whose bucket movements do not add up to their amount. */
export const BUCKET_SPLITS = `
  SELECT user_id, seq, amount, allowance_amount + credits_amount AS moved, COUNT(*) OVER () AS total
    FROM token_ledger_entries
   WHERE amount <> allowance_amount + credits_amount
   ORDER BY user_id, seq
   LIMIT ?`;

export const NEGATIVE_BALANCES = `
  SELECT user_id, balance, COUNT(*) OVER () AS total
    FROM token_accounts
   WHERE balance < 0
   ORDER BY user_id
   LIMIT ?`;

/**
 * Rows that do not continue their predecessor (self-join on seq - 1), and rows whose predecessor
 * is missing. The highest seq below a gap is only looked up for the gap rows themselves.
 */
export const ROW_CHAINS = `
  SELECT e.user_id AS user_id, e.seq AS seq, e.amount AS amount, e.balance_after AS balance_after,
         p.balance_after AS previous_after,
         CASE WHEN e.seq > 1 AND p.user_id IS NULL THEN 1 ELSE 0 END AS gap,
         CASE WHEN e.seq > 1 AND p.user_id IS NULL
              THEN (SELECT MAX(q.seq) FROM token_ledger_entries q WHERE q.user_id = e.user_id AND q.seq < e.seq)
              ELSE NULL END AS previous_seq,
         COUNT(*) OVER () AS total
    FROM token_ledger_entries e
    LEFT JOIN token_ledger_entries p ON p.user_id = e.user_id AND p.seq = e.seq - 1
   WHERE (e.seq > 1 AND p.user_id IS NULL)
      OR (e.seq = 1 AND e.balance_after <> e.amount)
      OR (p.user_id IS NOT NULL AND e.balance_after <> p.balance_after + e.amount)
   ORDER BY e.user_id, e.seq
   LIMIT ?`;

/** Accounts that disagree with their last ledger row: balance vs balance_after, ledger_seq vs MAX(seq). */
export const ACCOUNT_CHAINS = `
  SELECT a.user_id AS user_id, a.balance AS balance, a.ledger_seq AS ledger_seq,
         COALESCE(m.max_seq, 0) AS max_seq, COALESCE(l.balance_after, 0) AS last_after,
         SUM(CASE WHEN a.ledger_seq <> COALESCE(m.max_seq, 0) THEN 1 ELSE 0 END
           + CASE WHEN a.balance <> COALESCE(l.balance_after, 0) THEN 1 ELSE 0 END) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, MAX(seq) AS max_seq FROM token_ledger_entries GROUP BY user_id) m ON m.user_id = a.user_id
    LEFT JOIN token_ledger_entries l ON l.user_id = m.user_id AND l.seq = m.max_seq
   WHERE a.ledger_seq <> COALESCE(m.max_seq, 0) OR a.balance <> COALESCE(l.balance_after, 0)
   ORDER BY a.user_id
   LIMIT ?`;

/** Ledger rows of users who have no account. */
export const ORPHAN_ENTRIES = `
  SELECT e.user_id AS user_id, MAX(e.seq) AS max_seq, SUM(e.amount) AS ledger_sum, COUNT(*) OVER () AS total
    FROM token_ledger_entries e
    LEFT JOIN token_accounts a ON a.user_id = e.user_id
   WHERE a.user_id IS NULL
   GROUP BY e.user_id
   ORDER BY e.user_id
   LIMIT ?`;

/** Accounts whose `held` is not the sum of their open holds. */
export const HELD_MISMATCHES = `
  SELECT a.user_id AS user_id, a.held AS held, COALESCE(h.open_sum, 0) AS open_holds, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, SUM(amount) AS open_sum FROM token_holds WHERE closed_at IS NULL GROUP BY user_id) h ON h.user_id = a.user_id
   WHERE a.held <> COALESCE(h.open_sum, 0)
   ORDER BY a.user_id
   LIMIT ?`;

/**
 * Accounts whose `owed` is not what their ledger left uncollected minus what it repaid. Only rows
 * that mention `uncollected` have their metadata parsed.
 */
export const OWED_MISMATCHES = `
  SELECT a.user_id AS user_id, a.owed AS owed, COALESCE(s.uncollected, 0) - COALESCE(s.repaid, 0) AS ledger_owed, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id,
                      SUM(CASE WHEN metadata LIKE '%"uncollected"%'
                               THEN CAST(JSON_EXTRACT(metadata, '$.uncollected') AS DECIMAL(20, 0)) ELSE 0 END) AS uncollected,
                      SUM(CASE WHEN type = 'owed_repayment' THEN 0 - amount ELSE 0 END) AS repaid
                 FROM token_ledger_entries
                GROUP BY user_id) s ON s.user_id = a.user_id
   WHERE a.owed <> COALESCE(s.uncollected, 0) - COALESCE(s.repaid, 0)
   ORDER BY a.user_id
   LIMIT ?`;
