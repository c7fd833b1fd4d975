/** One server of a MySQL/MariaDB database: a standalone server, or a node of a Galera cluster. */
export interface DatabaseNode {
  host: string;
  port: number;
}

/** What a DATABASE_URL names: its dialect, credentials, database, and the servers to use, in order of preference. */
export interface DatabaseAddress {
  dialect: 'mysql' | 'mariadb';
  user: string;
  password: string;
  database: string;
  nodes: DatabaseNode[];
}

const DEFAULT_PORT = 3306;

/**
 * Reads `mysql://user:pass@host:port/database`, where `host:port` may be a comma-separated list of a
 * Galera cluster's nodes (`mysql://user:pass@db1:3306,db2:3306,db3:3306/tokens`): the app writes to the
 * first synced node of the list. IPv6 hosts go in brackets. Query parameters are ignored.
 */
export function parseDatabaseUrl(url: string): DatabaseAddress {
  const match = /^(mysql|mariadb):\/\/(?:([^@/]*)@)?([^/]+)\/([^?]+)(?:\?.*)?$/.exec(url);
  if (!match) throw new Error('DATABASE_URL must look like mysql://user:pass@host:3306/database');
  const [, dialect, credentials = '', hosts, database] = match;
  const colon = credentials.indexOf(':');
  return {
    dialect: dialect as DatabaseAddress['dialect'],
    user: decodeURIComponent(colon === -1 ? credentials : credentials.slice(0, colon)),
    password: colon === -1 ? '' : decodeURIComponent(credentials.slice(colon + 1)),
    database: decodeURIComponent(database),
    nodes: hosts.split(',').map(nodeOf),
  };
}

function nodeOf(hostPort: string): DatabaseNode {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(hostPort.trim());
  const port = Number(match?.[3] ?? DEFAULT_PORT);
  if (!match || port < 1 || port > 65535) throw new Error(`DATABASE_URL names a host that cannot be read: "${hostPort}"`);
  return { host: match[1] ?? match[2], port };
}

/** `host:port` as people write it (IPv6 hosts in brackets). */
export function nodeName({ host, port }: DatabaseNode): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
