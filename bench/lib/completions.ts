import type { BenchContext } from './run.js';

/** The model the completions scenarios ask the fake upstream for, and what the app prices it at. */
export const BENCH_MODEL = 'bench-gpt';

/** The body of every completion request: a short prompt, at most 16 completion tokens. */
export const COMPLETION_BODY = {
  model: BENCH_MODEL,
  messages: [{ role: 'user', content: 'Summarise the ledger of this account in one line' }],
  max_tokens: 16,
};

/** Adds the model to the app under test: 100 / 300 tokens per 1,000 prompt / completion tokens. */
export async function addBenchModel(ctx: BenchContext): Promise<void> {
  const response = await fetch(`${ctx.server.origin}/admin/models/${BENCH_MODEL}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ctx.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputPer1k: 100, outputPer1k: 300, maxOutputTokens: 64 }),
  });
  if (response.status !== 200) throw new Error(`PUT /admin/models/${BENCH_MODEL} answered ${response.status}: ${await response.text()}`);
}
