import { Body, Controller, Post } from '@nestjs/common';
import { IsString } from 'class-validator';
import { AppError, ErrorCode } from '../src/common/app-error.js';
import { Public } from '../src/common/auth.decorators.js';
import { TokenCost } from '../src/tokens/index.js';
import { registerUser, spendDownTo } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

class EchoDto {
  @IsString()
  text: string;
}

let handlerRuns = 0;

/** A tiny metered controller, declared here the way a team would meter its own endpoint. */
@Controller('test-metered')
class MeteredTestController {
  @Post('echo')
  @TokenCost('test_echo', 7)
  echo(@Body() body: EchoDto) {
    handlerRuns++;
    return { echoed: body.text };
  }

  @Post('fails')
  @TokenCost('test_fails', 5)
  fails(@Body() _body: EchoDto) {
    handlerRuns++;
    throw new AppError(ErrorCode.SERVICE_FAILED, 'provider is down');
  }

  @Post('crashes')
  @TokenCost('test_crashes', 5)
  crashes() {
    handlerRuns++;
    throw new Error('unexpected bug');
  }

  @Public()
  @Post('public-but-metered')
  @TokenCost('test_public', 1)
  publicButMetered() {
    handlerRuns++;
    return { served: true };
  }

  @Post('free')
  @TokenCost('test_free', 0)
  free() {
    handlerRuns++;
    return { served: true };
  }
}

describe('metering pipeline', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ controllers: [MeteredTestController] });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    handlerRuns = 0;
  });

  it('charges before the handler, reports the charge in headers and records a usage row', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.post('/test-metered/echo', { text: 'hi' }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ echoed: 'hi' });
    expect(response.headers.get('x-tokens-charged')).toBe('7');
    expect(response.headers.get('x-tokens-remaining')).toBe('93');
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.map((e) => [e.type, e.action, e.amount, e.balanceAfter])).toEqual([
      ['initial_grant', null, 100, 100],
      ['usage', 'test_echo', -7, 93],
    ]);
    const balance = await t.http.get('/tokens/balance', { token: user.token });
    expect(balance.body).toMatchObject({ balance: 93, tokensLimit: 100, usedThisPeriod: 7, plan: 'free', featuresDisabled: false });
  });

  it('answers 402 with balance and required when the balance is short, and the handler does not run', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 6);
    const response = await t.http.post('/test-metered/echo', { text: 'hi' }, { token: user.token });
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ statusCode: 402, code: 'INSUFFICIENT_TOKENS', balance: 6, required: 7 });
    expect(handlerRuns).toBe(0);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(6);
  });

  it.each(['fails', 'crashes'])('refunds when the handler throws (%s) and leaves the balance as it was', async (route) => {
    const user = await registerUser(t.http);
    const response = await t.http.post(`/test-metered/${route}`, route === 'fails' ? { text: 'x' } : {}, { token: user.token });
    expect(response.status).toBe(route === 'fails' ? 502 : 500);
    expect(response.headers.get('x-tokens-charged')).toBeNull();
    expect(handlerRuns).toBe(1);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(100);
    expect(state.entries.map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 100],
      ['usage', -5],
      ['refund', 5],
    ]);
    const balance = await t.http.get('/tokens/balance', { token: user.token });
    expect(balance.body.usedThisPeriod).toBe(0);
  });

  it('validates the body before charging: bad input is a 400 and changes nothing', async () => {
    const user = await registerUser(t.http);
    for (const body of [{}, { text: 5 }, { text: 'ok', extra: true }]) {
      const response = await t.http.post('/test-metered/echo', body, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(Array.isArray(response.body.details)).toBe(true);
    }
    const invalidJson = await t.http.post('/test-metered/echo', undefined, { token: user.token, raw: '{"text": ' });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.code).toBe('VALIDATION_FAILED');
    expect(handlerRuns).toBe(0);
    const state = await ledgerState(t.dataSource, user.id);
    expect(state.entries).toHaveLength(1);
    expect(state.balance).toBe(100);
  });

  it('fails closed: a metered route without a caller is refused even when marked public', async () => {
    const response = await t.http.post('/test-metered/public-but-metered', {});
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
    expect(handlerRuns).toBe(0);
  });

  it('a zero-cost action runs without changing the balance or the ledger', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.post('/test-metered/free', {}, { token: user.token });
    expect(response.status).toBe(201);
    expect(handlerRuns).toBe(1);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries).toHaveLength(1);
  });

  it('lists the metered actions with their prices, including ones declared outside the services module', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.get('/tokens/costs', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.arrayContaining([{ action: 'test_echo', cost: 7, defaultCost: 7, overriddenBy: null, description: '7 tokens per request' }]),
    );
  });

  it('refuses direct updates and deletes of ledger rows at the database level', async () => {
    const user = await registerUser(t.http);
    await expect(t.dataSource.query('UPDATE token_ledger_entries SET amount = 1000000 WHERE user_id = ?', [user.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query('DELETE FROM token_ledger_entries WHERE user_id = ?', [user.id])).rejects.toThrow(/append-only/);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('refuses a balance below zero at the database level (CHECK constraint)', async () => {
    const user = await registerUser(t.http);
    await expect(t.dataSource.query('UPDATE token_accounts SET balance = -1 WHERE user_id = ?', [user.id])).rejects.toThrow();
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(100);
  });
});
