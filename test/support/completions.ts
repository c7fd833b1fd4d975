import OpenAI from 'openai';
import { FakeOpenAi } from './fake-openai.js';
import { loginAdmin, registerUser, type TestUser } from './factories.js';
import { startTestApp, type TestApp } from './test-app.js';

/** The fake upstream's model as the completions suites price it: 1,000 / 2,000 tokens per 1,000 prompt / completion tokens. */
export const FAKE_MODEL = { inputPer1k: 1000, outputPer1k: 2000, maxOutputTokens: 50 };

/** The app against a fake OpenAI-compatible upstream, with `fake-gpt` priced as FAKE_MODEL; `env` adds settings. */
export interface CompletionsApp {
  t: TestApp;
  upstream: FakeOpenAi;
  adminToken: string;
  /** A new user with `tokens` granted on top of the free plan's 100, an API key, and an OpenAI SDK client with that key. */
  client(tokens?: number): Promise<{ user: TestUser; key: string; sdk: OpenAI }>;
  close(): Promise<void>;
}

export async function startCompletionsApp(env: Record<string, string> = {}): Promise<CompletionsApp> {
  const upstream = new FakeOpenAi();
  const t = await startTestApp({ env: { LLM_BASE_URL: await upstream.start(), LLM_API_KEY: 'upstream-key', ...env } });
  const adminToken = await loginAdmin(t.http);
  expect((await t.http.put('/admin/models/fake-gpt', FAKE_MODEL, { token: adminToken })).status).toBe(200);
  return {
    t,
    upstream,
    adminToken,
    async client(tokens = 0) {
      const user = await registerUser(t.http);
      if (tokens > 0) {
        const grant = await t.http.post(
          `/admin/users/${user.id}/tokens/grant`,
          { amount: tokens, reason: 'completions' },
          { token: adminToken },
        );
        expect(grant.status).toBe(201);
      }
      const created = await t.http.post('/api-keys', { name: 'sdk' }, { token: user.token });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      return { user, key, sdk: new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: key, maxRetries: 0 }) };
    },
    async close() {
      await t.close();
      await upstream.stop();
    },
  };
}
