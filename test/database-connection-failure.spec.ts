/**
 * The start-up check of DATABASE_URL (the process itself is started in
 * test/reliability/first-start.reliability.ts): real connection attempts, one line per problem,
 * never the password.
 */
import { createServer } from 'node:net';
import { databaseConnectionProblem } from '../src/database/connection-failure.js';
import { createTestDatabase, TEST_DB } from './support/test-database.js';

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the start-up check of DATABASE_URL', () => {
  it('names an unknown host, at once', async () => {
    expect(await databaseConnectionProblem('mysql://app:p%40ss-secret@db.host.invalid:3306/tokens')).toBe(
      'Cannot connect to the database at db.host.invalid:3306: the host name db.host.invalid is not known',
    );
  });

  it('tries a refused connection 3 times, half a second apart, then names it without the password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const problem = await databaseConnectionProblem(`mariadb://app:p%40ss-secret@127.0.0.1:${port}/tokens`);
    const elapsed = Date.now() - started;
    expect(problem).toBe(`Cannot connect to the database at 127.0.0.1:${port}: connection refused (is MySQL/MariaDB running there?)`);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(4000);
  });

  (TEST_DB === 'mariadb' ? it : it.skip)('finds nothing wrong with a database the app can use', async () => {
    const database = await createTestDatabase();
    try {
      expect(await databaseConnectionProblem(database.env.DATABASE_URL)).toBeUndefined();
    } finally {
      await database.drop();
    }
  });
});
