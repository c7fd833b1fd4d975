/**
 * GET /tokens/usage and runwayDays in a host app that adds nothing of its own, on Express and on
 * Fastify: the answers and the 400s come from the package alone.
 */
import { Controller, Post } from '@nestjs/common';
import { TokenPrice } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { TEST_DB } from '../support/test-database.js';

@Controller('jobs')
class JobsController {
  @Post('print')
  @TokenPrice('job_print', 6)
  print(): { printed: boolean } {
    return { printed: true };
  }

  @Post('jam')
  @TokenPrice('job_jam', 5)
  jam(): never {
    throw new Error('the printer jammed');
  }
}

describe.each(ADAPTERS)(`usage in a host app on %s (${TEST_DB})`, (adapter) => {
  let host: HostApp;
  const as = (payer: string) => ({ headers: { 'x-payer': payer } });
  // A clock that stands still: every entry and query is on one day, whenever the suite runs.
  const clock = new FakeClock();
  const today = () => clock.now().toISOString().slice(0, 10);

  beforeAll(async () => {
    host = await startHostApp(adapter, { controllers: [JobsController], clock });
  });
  afterAll(() => host?.close());

  it("answers the payer's net spend of the day per action, a refunded charge netted out, and the runway on the balance", async () => {
    const payer = `usage-${adapter}`;
    expect((await host.http.get('/tokens/balance', as(payer))).body).toMatchObject({ balance: 1000, runwayDays: null });
    expect((await host.http.post('/jobs/print', {}, as(payer))).status).toBe(201);
    expect((await host.http.post('/jobs/jam', {}, as(payer))).status).toBe(500);
    // Queried at the day's end by its time with an offset: the same UTC day.
    const day = today();
    const response = await host.http.get(`/tokens/usage?from=${day}&to=${day}T23:59:59Z&groupBy=model`, as(payer));
    expect(response.status).toBe(200);
    const start = `${day}T00:00:00.000Z`;
    expect(response.body).toEqual({
      interval: 'day',
      groupBy: 'model',
      from: start,
      to: start,
      series: [{ key: 'job_print', points: [{ start, tokens: 6, requests: 1 }], total: { tokens: 6, requests: 1 } }],
      totals: { tokens: 6, requests: 1 },
    });
    // 994 tokens at 6 per 7 days.
    expect((await host.http.get('/tokens/balance', as(payer))).body).toMatchObject({ balance: 994, runwayDays: 1159.7 });
  });

  it('answers 400 VALIDATION_FAILED naming the field, and 401 without a payer', async () => {
    const interval = await host.http.get('/tokens/usage?interval=week', as('usage-bad'));
    expect([interval.status, interval.body.code, interval.body.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ field: 'interval', errors: [expect.any(String)] }],
    ]);
    const order = await host.http.get('/tokens/usage?from=2026-03-02&to=2026-03-01', as('usage-bad'));
    expect([order.status, order.body]).toEqual([
      400,
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Validation failed: from',
        details: [{ field: 'from', errors: ['from must not be after to'] }],
      },
    ]);
    expect((await host.http.get('/tokens/usage')).status).toBe(401);
  });
});
