import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** CPU time from /proc (Linux); null elsewhere. Clock ticks are 100 per second on Linux. */
const TICK_MS = 10;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** User + system CPU time of one process, in ms. */
export function processCpuMs(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU time of the whole machine (all cores), in ms: `busy` is time the kernel ran any process or
 * interrupt, `steal` time the hypervisor gave the virtual CPUs to someone else.
 */
export function machineCpuMs(): { busy: number; steal: number } | null {
  const stat = read('/proc/stat');
  if (!stat) return null;
  const [, ...values] = stat.split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number); // skips idle and iowait
  return { busy: (user + nice + system + irq + softirq) * TICK_MS, steal: steal * TICK_MS };
}

/** The first local MariaDB/MySQL server process found, when one runs on this machine. */
function anyDatabaseServerPid(): number | null {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = read(`/proc/${entry}/comm`)?.trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    }
  } catch {
    return null;
  }
  return null;
}

/** Inodes of the sockets listening on these local TCP ports (/proc/net/tcp and tcp6, state 0A). */
function listeningSockets(ports: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(table) ?? '').split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === '0A' && ports.includes(parseInt(local.slice(local.lastIndexOf(':') + 1), 16))) inodes.add(inode);
    }
  }
  return inodes;
}

/** The processes holding one of these sockets (needs the right to read their /proc/<pid>/fd). */
function socketOwners(inodes: Set<string>): number[] {
  const pids: number[] = [];
  for (const entry of inodes.size ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    const owns = fds.some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
    if (owns) pids.push(Number(entry));
  }
  return pids;
}

/**
 * The local database server processes listening on these ports (a server, or a cluster's nodes), so
 * that their CPU time is the database's, whichever other servers run on the machine. For one server,
 * when its process cannot be found by port (not local, or no right to read its sockets): the first
 * MariaDB process of the machine, as a guess.
 */
export function databaseServerPids(ports: number[]): number[] {
  const pids = socketOwners(listeningSockets(ports));
  if (pids.length || ports.length > 1) return pids;
  const guess = anyDatabaseServerPid();
  return guess === null ? [] : [guess];
}

export interface CpuSample {
  server: number | null;
  database: number | null;
  runner: number | null;
  machine: number | null;
  steal: number | null;
}

/** `databasePids`: the database server's processes (every node of a cluster), summed. */
export function sampleCpu(serverPid: number, databasePids: number[]): CpuSample {
  const database = databasePids.map(processCpuMs).filter((ms) => ms !== null);
  return {
    server: processCpuMs(serverPid),
    // A node that stopped (or was never found) makes the sum meaningless.
    database: database.length && database.length === databasePids.length ? database.reduce((sum, ms) => sum + ms, 0) : null,
    runner: processCpuMs(process.pid),
    machine: machineCpuMs()?.busy ?? null,
    steal: machineCpuMs()?.steal ?? null,
  };
}

export interface CpuUse {
  /** CPU ms per answered request: the app's process, the database server, the load generator. */
  serverMsPerRequest: number | null;
  databaseMsPerRequest: number | null;
  runnerMsPerRequest: number | null;
  /** Share of the machine's cores busy with other processes during the phase (0..1). */
  otherProcessesShare: number | null;
  /** Share of the machine's cores taken by the hypervisor (steal time) during the phase (0..1). */
  stealShare: number | null;
}

export function cpuUse(before: CpuSample, after: CpuSample, requests: number, elapsedMs: number, cores: number): CpuUse {
  const delta = (key: keyof CpuSample): number | null => (before[key] === null || after[key] === null ? null : after[key] - before[key]);
  const perRequest = (ms: number | null): number | null => (ms === null || requests === 0 ? null : ms / requests);
  const [server, database, runner, machine] = [delta('server'), delta('database'), delta('runner'), delta('machine')];
  const steal = delta('steal');
  const others = machine === null || server === null || runner === null ? null : machine - server - runner - (database ?? 0);
  return {
    serverMsPerRequest: perRequest(server),
    databaseMsPerRequest: perRequest(database),
    runnerMsPerRequest: perRequest(runner),
    otherProcessesShare: others === null ? null : Math.max(0, others / (elapsedMs * cores)),
    stealShare: steal === null ? null : steal / (elapsedMs * cores),
  };
}
