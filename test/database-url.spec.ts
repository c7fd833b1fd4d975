/** DATABASE_URL as the app reads it: one server, or a Galera cluster's nodes in order of preference. */
import { connectionFailureLine } from '../src/database/connection-failure.js';
import { parseDatabaseUrl } from '../src/database/database-url.js';

describe('DATABASE_URL', () => {
  it('reads one server, with the default port when none is given', () => {
    expect(parseDatabaseUrl('mysql://app:s%40cret@db.internal/tokens')).toEqual({
      dialect: 'mysql',
      user: 'app',
      password: 's@cret',
      database: 'tokens',
      nodes: [{ host: 'db.internal', port: 3306 }],
    });
  });

  it("reads a cluster's nodes in their order, IPv6 in brackets, and ignores query parameters", () => {
    const address = parseDatabaseUrl('mariadb://root@10.0.0.1:3307,[::1]:3308,db3/tokens?ssl=false');
    expect(address.dialect).toBe('mariadb');
    expect(address.password).toBe('');
    expect(address.nodes).toEqual([
      { host: '10.0.0.1', port: 3307 },
      { host: '::1', port: 3308 },
      { host: 'db3', port: 3306 },
    ]);
  });

  it.each(['mysql://root@a:99999/tokens', 'mysql://root@a:1,,b/tokens', 'postgres://root@a/tokens', 'mysql://root@a:1'])(
    'refuses %s',
    (url) => expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/),
  );

  it('names every node in a connection failure, never the password', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const line = connectionFailureLine(refused, 'mysql://root:hunter2@127.0.0.1:13301,127.0.0.1:13302/tokens');
    expect(line).toBe(
      'Cannot connect to the database at 127.0.0.1:13301, 127.0.0.1:13302: connection refused (is MySQL/MariaDB running there?)',
    );
  });
});
