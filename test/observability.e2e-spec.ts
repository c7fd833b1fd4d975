/**
 * Structured logs and metrics, driven by the token events: one JSON log line per charge,
 * refusal, refund and seed (with the balance before and after and the request id), request log
 * lines without credentials or bodies, and the Prometheus counters and histogram at GET /metrics,
 * per application instance.
 */
import { Logger as NestLogger } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { ChatDto } from '../src/services/dto/chat.dto.js';
import { LOG_DESTINATION } from '../src/observability/app-logger.js';
import { bearerTokenFor, insertUserWithoutAccount, registerUser, TestUser } from './support/factories.js';
import type { HttpClient } from './support/http-client.js';
import { METRICS_TOKEN, metricsOf, sample } from './support/metrics.js';
import { createProbe } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';

/** A metered endpoint whose work always fails: the charge is refunded. */
const failing = createProbe('observability-test', [
  { path: 'fails', action: 'failing_action', cost: 1, body: ChatDto, fails: 'provider is down' },
]);

type LogLine = Record<string, any>;

/** A log destination that keeps every line: what LOG_DESTINATION is replaced with. */
class LogCapture {
  readonly raw: string[] = [];
  readonly lines: LogLine[] = [];

  write(line: string): void {
    this.raw.push(line);
    this.lines.push(JSON.parse(line));
  }

  where(fields: LogLine): LogLine[] {
    return this.lines.filter((line) => Object.entries(fields).every(([key, value]) => line[key] === value));
  }

  /** Waits until `count` lines match (the request log line is written when the response has finished). */
  async waitFor(fields: LogLine, count = 1): Promise<LogLine[]> {
    for (const started = Date.now(); Date.now() - started < 10_000;) {
      const found = this.where(fields);
      if (found.length >= count) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no log line ${JSON.stringify(fields)} within 10 s`);
  }
}

async function startCapturedApp(capture: LogCapture, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({
    env: { LOG_LEVEL: 'log', ...env },
    controllers: [failing.controller],
    override: (builder) => builder.overrideProvider(LOG_DESTINATION).useValue(capture),
  });
}

const chat = (http: HttpClient, user: { token: string }) => http.post('/services/chat', { message: 'hello' }, { token: user.token });

/** The server's id of a request, as its answer reports it (the logs and the ledger use the same one). */
const requestIdOf = (response: { headers: Headers }): string => response.headers.get('x-request-id')!;

describe('structured logs and metrics', () => {
  // The first app of this file: nestjs-pino keeps one request logger per process (the first app's).
  const capture = new LogCapture();
  let t: TestApp;

  beforeAll(async () => {
    t = await startCapturedApp(capture);
  });
  afterAll(() => t.close());

  describe('one JSON log line per token event', () => {
    it('a charge: user, action, amount, balance before and after, request id', async () => {
      const user = await registerUser(t.http);
      const response = await chat(t.http, user);
      expect(response.status).toBe(201);
      const requestId = requestIdOf(response);

      const lines = await capture.waitFor({ event: 'tokens.charged', requestId });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'info',
        context: 'TokenEvents',
        userId: user.id,
        action: 'ai_chat_message',
        amount: 1,
        balanceBefore: 100,
        balanceAfter: 99,
        requestId,
      });
      expect(lines[0].durationMs).toEqual(expect.any(Number));
      expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);
    });

    it('a refusal (402): what the request needed and the balance it met', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.post('/services/write-more', { text: 'more please' }, { token: user.token });
      expect(response.status).toBe(402);
      const requestId = requestIdOf(response);

      const lines = await capture.waitFor({ event: 'tokens.refused', requestId });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        userId: user.id,
        action: 'write_more',
        amount: 1500,
        balanceBefore: 100,
        balanceAfter: 100,
        reason: 'insufficient_tokens',
      });
      expect(capture.where({ event: 'tokens.charged', requestId })).toHaveLength(0);
    });

    it('a refund: the charge and its refund, under the same request id', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.post('/observability-test/fails', { message: 'x' }, { token: user.token });
      expect(response.status).toBe(502);
      const requestId = requestIdOf(response);

      const [charged] = await capture.waitFor({ event: 'tokens.charged', requestId });
      expect(charged).toMatchObject({ userId: user.id, action: 'failing_action', amount: 1, balanceBefore: 100, balanceAfter: 99 });
      const refunded = await capture.waitFor({ event: 'tokens.refunded', requestId });
      expect(refunded).toHaveLength(1);
      expect(refunded[0]).toMatchObject({
        userId: user.id,
        action: 'failing_action',
        amount: 1,
        balanceBefore: 99,
        balanceAfter: 100,
        reason: expect.stringContaining('provider is down'),
      });
    });

    it('a seed: a user without an account gets one from the subscription, then the charge', async () => {
      const legacy = await insertUserWithoutAccount(t.dataSource, 'free');
      const token = await bearerTokenFor(t.app, legacy.id);
      const response = await chat(t.http, { token });
      expect(response.status).toBe(201);
      const requestId = requestIdOf(response);

      await capture.waitFor({ event: 'tokens.charged', requestId });
      const seeded = capture.where({ event: 'tokens.seeded', userId: legacy.id });
      expect(seeded).toHaveLength(1);
      expect(seeded[0]).toMatchObject({ amount: 100, planCode: 'free', balanceAfter: 100 });
      expect(capture.where({ event: 'tokens.charged', requestId })[0]).toMatchObject({
        userId: legacy.id,
        balanceBefore: 100,
        balanceAfter: 99,
      });
    });
  });

  describe('request log lines', () => {
    it('one line per request with its request id, status and time, written through pino', async () => {
      const user = await registerUser(t.http);
      const response = await chat(t.http, user);
      const requestId = requestIdOf(response);

      const [line] = await capture.waitFor({ msg: 'request completed', requestId });
      expect(line).toMatchObject({
        level: 'info',
        req: { id: requestId, method: 'POST', url: '/services/chat' },
        res: { statusCode: 201 },
      });
      expect(line.responseTime).toEqual(expect.any(Number));
    });

    it('never logs credentials, signatures or request bodies', async () => {
      const user = await registerUser(t.http);
      const secrets = { apiKey: `tk_${randomUUID()}`, signature: `sig-${randomUUID()}`, body: `body-${randomUUID()}` };
      const served = await t.http.post(
        '/services/chat',
        { message: secrets.body },
        { token: user.token, headers: { 'x-signature': secrets.signature } },
      );
      expect(served.status).toBe(201);
      const refused = await t.http.get('/users/me', { apiKey: secrets.apiKey });
      expect(refused.status).toBe(401);
      const [withBearer, withKey] = [requestIdOf(served), requestIdOf(refused)];

      const [bearerLine] = await capture.waitFor({ msg: 'request completed', requestId: withBearer });
      const [keyLine] = await capture.waitFor({ msg: 'request completed', requestId: withKey });
      expect(bearerLine.req.headers).toMatchObject({ authorization: '[REDACTED]', 'x-signature': '[REDACTED]' });
      expect(keyLine.req.headers).toMatchObject({ 'x-api-key': '[REDACTED]' });

      const everything = capture.raw.join('\n');
      for (const secret of [user.token, secrets.apiKey, secrets.signature, secrets.body]) expect(everything).not.toContain(secret);
    });

    it("is Nest's logger once main.ts installs it (app.useLogger), as JSON lines with the logging context", async () => {
      t.app.useLogger(t.app.get(PinoNestLogger));
      try {
        new NestLogger('ObservabilitySpec').warn('hello from Nest');
        const [line] = await capture.waitFor({ context: 'ObservabilitySpec' });
        expect(line).toMatchObject({ level: 'warn', msg: 'hello from Nest' });
      } finally {
        t.app.useLogger(['error', 'fatal']);
      }
    });
  });

  describe('GET /metrics', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await registerUser(t.http);
    });

    it('counts charges (tokens by amount), refusals and refunds by action, and times charges', async () => {
      const before = await metricsOf(t.http);
      expect((await chat(t.http, user)).status).toBe(201);
      expect((await chat(t.http, user)).status).toBe(201);
      expect((await t.http.post('/services/social-posts', { text: 'new beans', platforms: ['x'] }, { token: user.token })).status).toBe(
        201,
      );
      expect((await t.http.post('/services/write-more', { text: 'more' }, { token: user.token })).status).toBe(402);
      expect((await t.http.post('/observability-test/fails', { message: 'x' }, { token: user.token })).status).toBe(502);
      const after = await metricsOf(t.http);

      const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
      expect({
        chatTokens: delta('tokens_charged_total', { action: 'ai_chat_message' }),
        chatCharges: delta('token_charges_total', { action: 'ai_chat_message' }),
        postTokens: delta('tokens_charged_total', { action: 'social_media_post' }),
        postCharges: delta('token_charges_total', { action: 'social_media_post' }),
        refusals: delta('token_refusals_total', { action: 'write_more', reason: 'insufficient_tokens' }),
        refundedTokens: delta('tokens_refunded_total', { action: 'failing_action' }),
        failingCharges: delta('token_charges_total', { action: 'failing_action' }),
        chatTimings: delta('token_charge_duration_seconds_count', { action: 'ai_chat_message' }),
        chatTimingsInLastBucket: delta('token_charge_duration_seconds_bucket', { le: '+Inf', action: 'ai_chat_message' }),
      }).toEqual({
        chatTokens: 2,
        chatCharges: 2,
        postTokens: 10,
        postCharges: 1,
        refusals: 1,
        refundedTokens: 1,
        failingCharges: 1,
        chatTimings: 2,
        chatTimingsInLastBucket: 2,
      });
      expect(delta('token_charge_duration_seconds_sum', { action: 'ai_chat_message' })).toBeGreaterThan(0);
      expect(after).toMatch(/^# TYPE token_charge_duration_seconds histogram$/m);
      expect(after).toMatch(/^# TYPE tokens_charged_total counter$/m);
    });

    it('serves the Prometheus text format with the default process metrics, to the metrics token', async () => {
      const response = await t.http.get('/metrics', { token: METRICS_TOKEN });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(response.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(response.body, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    });

    it('is not metered and leaves no request log line', async () => {
      const response = await t.http.get('/metrics', { token: METRICS_TOKEN });
      expect(response.status).toBe(200);
      const requestId = requestIdOf(response);
      expect(response.headers.get('x-tokens-charged')).toBeNull();
      const balance = (await t.http.get('/tokens/balance', { token: user.token })).body.balance;
      expect((await t.http.get('/metrics', { token: METRICS_TOKEN })).status).toBe(200);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(balance);
      // The balance request after it has been logged, so the /metrics line would have been too.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(capture.where({ requestId })).toHaveLength(0);
    });

    it('is documented in the OpenAPI document', async () => {
      const openapi = (await t.http.get('/docs-json')).body;
      expect(openapi.paths['/metrics']?.get).toBeDefined();
    });
  });

  describe('several applications in one process', () => {
    it('each counts its own metrics and writes its own event log lines at its own level', async () => {
      const quiet = new LogCapture();
      const other = await startCapturedApp(quiet, { LOG_LEVEL: 'error' });
      try {
        const before = await metricsOf(t.http);
        const otherUser = await registerUser(other.http);
        expect((await chat(other.http, otherUser)).status).toBe(201);
        expect((await chat(other.http, otherUser)).status).toBe(201);
        const user = await registerUser(t.http);
        expect((await chat(t.http, user)).status).toBe(201);

        const otherMetrics = await metricsOf(other.http);
        expect(sample(otherMetrics, 'tokens_charged_total', { action: 'ai_chat_message' })).toBe(2);
        expect(sample(otherMetrics, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
        const after = await metricsOf(t.http);
        expect(
          sample(after, 'tokens_charged_total', { action: 'ai_chat_message' }) -
            sample(before, 'tokens_charged_total', { action: 'ai_chat_message' }),
        ).toBe(1);

        // LOG_LEVEL=error: no info lines from the other app's events, and none of them in this app's log.
        expect(quiet.where({ event: 'tokens.charged' })).toHaveLength(0);
        expect(capture.where({ event: 'tokens.charged', userId: otherUser.id })).toHaveLength(0);
      } finally {
        await other.close();
      }
      // Closing one application leaves the other's metrics alone.
      expect(sample(await metricsOf(t.http), 'token_charges_total', { action: 'ai_chat_message' })).toBeGreaterThan(0);
    });
  });
});
