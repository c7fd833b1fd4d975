import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** What the readiness check needs of the database: whether it speaks MySQL (so may be a Galera node), and a way to run a statement. */
export interface DatabaseProbe {
  mysql: boolean;
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export const DATABASE_PROBE = Symbol('DatabaseProbe');

/** wsrep_local_state of a node that is in the cluster and up to date. The others: 1 Joining, 2 Donor/Desynced, 3 Joined. */
export const GALERA_SYNCED = 4;

export interface GaleraState {
  wsrep_local_state: number;
  wsrep_local_state_comment: string;
}

/**
 * Ready when the database answers and, on a Galera node, the node is Synced. A node that is
 * joining, or a donor, answers queries (a joining one with error 1047) but must not get traffic.
 * The state is read with SHOW statements, which a node answers in any state.
 */
@Injectable()
export class DatabaseReadiness {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DATABASE_PROBE) private readonly probe: DatabaseProbe,
  ) {}

  async check(key: string, timeoutMs: number): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const answered = await indicator.attempt(() => this.stateOrPing()).withTimeout(timeoutMs);
    const { status, ...data } = answered[key] as { status: string } & Partial<GaleraState>;
    const state = data.wsrep_local_state;
    if (status !== 'up' || state === undefined || state === GALERA_SYNCED) return answered;
    return indicator.down({
      ...data,
      message: `Galera node not synced: ${data.wsrep_local_state_comment} (wsrep_local_state ${state}); ready only when Synced (${GALERA_SYNCED})`,
    });
  }

  /** The Galera state when the server is a Galera node; the ping when it is not, or when the node is Synced. */
  private async stateOrPing(): Promise<Partial<GaleraState>> {
    const galera = this.probe.mysql ? await this.galeraState() : undefined;
    if (galera !== undefined && galera.wsrep_local_state !== GALERA_SYNCED) return galera;
    await this.probe.query('SELECT 1');
    return galera ?? {};
  }

  /** Undefined on a server that is not a Galera node: MySQL, or MariaDB with wsrep off. */
  private async galeraState(): Promise<GaleraState | undefined> {
    const status = await this.probe.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment')");
    const valueOf = (rows: Record<string, unknown>[], name: string): string | undefined => {
      const value = rows.find((row) => String(row.Variable_name).toLowerCase() === name)?.Value;
      return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    };
    const state = valueOf(status, 'wsrep_local_state');
    if (state === undefined) return undefined;
    const on = valueOf(await this.probe.query("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'"), 'wsrep_on');
    if (on?.toUpperCase() !== 'ON') return undefined;
    return { wsrep_local_state: Number(state), wsrep_local_state_comment: valueOf(status, 'wsrep_local_state_comment') ?? '' };
  }
}
