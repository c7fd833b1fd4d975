/**
 * GET /health, /health/ready and /health/live. On the suite's database (SQLite, or a MariaDB
 * without Galera): ready when the database answers, 503 SERVICE_UNAVAILABLE with the check's report
 * when it does not, live either way. The Galera states are checked with a database probe that
 * answers the SHOW statements as a Galera node in that state would (and other queries with 1047 while
 * joining): the readiness logic, not a real cluster; that is run on one separately.
 */
import { DATABASE_PROBE, type DatabaseProbe } from '../src/health/database-readiness.indicator.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const READINESS = ['/health', '/health/ready'];

/** /health and /health/ready both answer 503 SERVICE_UNAVAILABLE with `message` and the database check's report. */
async function expectNotReady(app: TestApp, message: unknown, database: Record<string, unknown>): Promise<void> {
  for (const path of READINESS) {
    const response = await app.http.get(path);
    expect({ path, status: response.status, body: response.body }).toEqual({
      path,
      status: 503,
      body: { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message, checks: { database }, requestId: expect.any(String) },
    });
  }
}

/** Answers as a Galera node whose wsrep_local_state is `state` would. */
class SimulatedGaleraNode implements DatabaseProbe {
  readonly mysql = true;
  state = 4;
  comment = 'Synced';
  wsrepOn = 'ON';
  /** Set to make the node stop answering plain queries even when Synced. */
  unreachable = false;
  readonly statements: string[] = [];

  async query(sql: string): Promise<Record<string, unknown>[]> {
    this.statements.push(sql);
    await Promise.resolve();
    if (sql.startsWith('SHOW GLOBAL STATUS')) {
      return [
        { Variable_name: 'wsrep_local_state', Value: String(this.state) },
        { Variable_name: 'wsrep_local_state_comment', Value: this.comment },
      ];
    }
    if (sql.startsWith('SHOW GLOBAL VARIABLES')) return [{ Variable_name: 'wsrep_on', Value: this.wsrepOn }];
    if (this.unreachable) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:3306'), { code: 'ECONNREFUSED' });
    // A joining node refuses queries; a donor or a joined one answers them, but must not get traffic either.
    if (this.state === 1 && this.wsrepOn === 'ON') {
      throw Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' });
    }
    return [{ 1: 1 }];
  }
}

describe(`health endpoints (${TEST_DB})`, () => {
  describe('on the real database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it.each(READINESS)('%s answers 200 with the database check up, without credentials, never metered', async (path) => {
      const response = await t.http.get(path);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'ok',
        info: { database: { status: 'up', responseTime: expect.any(Number) } },
        error: {},
        details: { database: { status: 'up', responseTime: expect.any(Number) } },
      });
      expect(response.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
      expect(response.headers.get('x-tokens-charged')).toBeNull();
    });

    it('/health/live answers 200 without credentials, never metered', async () => {
      const response = await t.http.get('/health/live');
      expect([response.status, response.body]).toEqual([200, { status: 'ok' }]);
      expect(response.headers.get('x-tokens-charged')).toBeNull();
    });

    it('are documented in the OpenAPI document, public, with their answers', async () => {
      const paths = (await t.http.get('/docs-json')).body.paths;
      for (const path of [...READINESS, '/health/live']) {
        const operation = paths[path]?.get;
        expect({ path, summary: typeof operation?.summary, security: operation?.security }).toEqual({
          path,
          summary: 'string',
          security: undefined,
        });
        expect(Object.keys(operation.responses).sort()).toEqual(path === '/health/live' ? ['200'] : ['200', '503']);
      }
      expect(paths['/health/ready'].get.responses['503'].content['application/json'].example).toMatchObject({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        checks: { database: { status: 'down', wsrep_local_state_comment: 'Joining' } },
      });
    });

    it('when the database is gone: /health and /health/ready 503 SERVICE_UNAVAILABLE naming the check, /health/live 200', async () => {
      const gone = await startTestApp();
      try {
        await gone.dataSource.destroy();
        await expectNotReady(gone, expect.stringMatching(/^Not ready: database: /), {
          status: 'down',
          message: expect.any(String),
          responseTime: expect.any(Number),
        });
        expect((await gone.http.get('/health/live')).status).toBe(200);
      } finally {
        await gone.close();
      }
    });
  });

  describe('on a Galera node (simulated answers)', () => {
    let t: TestApp;
    const node = new SimulatedGaleraNode();
    const setState = (state: number, comment: string, wsrepOn = 'ON') =>
      Object.assign(node, { state, comment, wsrepOn, unreachable: false });

    beforeAll(async () => {
      t = await startTestApp({ override: (builder) => builder.overrideProvider(DATABASE_PROBE).useValue(node) });
    });
    afterAll(() => t.close());

    it.each([
      [1, 'Joining'],
      [2, 'Donor/Desynced'],
      [3, 'Joined'],
    ])('wsrep_local_state %i (%s): not ready, 503 naming the state; live 200', async (state, comment) => {
      setState(state, comment);
      const reason = `Galera node not synced: ${comment} (wsrep_local_state ${state}); ready only when Synced (4)`;
      await expectNotReady(t, `Not ready: database: ${reason}`, {
        status: 'down',
        wsrep_local_state: state,
        wsrep_local_state_comment: comment,
        message: reason,
        responseTime: expect.any(Number),
      });
      expect((await t.http.get('/health/live')).status).toBe(200);
    });

    it('wsrep_local_state 4 (Synced) and the node answers: ready, the state in the report', async () => {
      setState(4, 'Synced');
      const response = await t.http.get('/health/ready');
      expect([response.status, response.body.details]).toEqual([
        200,
        { database: { status: 'up', wsrep_local_state: 4, wsrep_local_state_comment: 'Synced', responseTime: expect.any(Number) } },
      ]);
    });

    it('Synced but the database does not answer a query: not ready', async () => {
      setState(4, 'Synced');
      node.unreachable = true;
      const response = await t.http.get('/health');
      expect([response.status, response.body.code, response.body.checks.database]).toEqual([
        503,
        'SERVICE_UNAVAILABLE',
        { status: 'down', message: 'connect ECONNREFUSED 10.0.0.2:3306', responseTime: expect.any(Number) },
      ]);
    });

    it('a wsrep state with wsrep_on OFF is no Galera node: ready when it answers', async () => {
      setState(0, 'Initialized', 'OFF');
      node.statements.length = 0;
      const response = await t.http.get('/health');
      expect([response.status, response.body.details]).toEqual([200, { database: { status: 'up', responseTime: expect.any(Number) } }]);
      expect(node.statements).toEqual([
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment')",
        "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'",
        'SELECT 1',
      ]);
    });
  });
});
