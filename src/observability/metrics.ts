import { FactoryProvider, Inject } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The application's metric registry. One per application instance, never prom-client's global
 * `register`: several apps in one process (tests, a worker next to the API) each count their own.
 * Other modules register their metrics in it (`registers: [registry]`).
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export const MetricNames = {
  TokensCharged: 'tokens_charged_total',
  Charges: 'token_charges_total',
  ChargeDuration: 'token_charge_duration_seconds',
  Refusals: 'token_refusals_total',
  TokensRefunded: 'tokens_refunded_total',
  Refunds: 'token_refunds_total',
  AccountsSeeded: 'token_accounts_seeded_total',
  LedgerPostings: 'token_ledger_postings_total',
  SettlementsPending: 'token_settlements_pending',
  Settlements: 'token_settlements_total',
  ChargeBatchSize: 'token_charge_batch_size',
} as const;

/** From a fast single-row UPDATE to a transaction retried after a deadlock. */
const CHARGE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const metricsRegistryProvider: FactoryProvider<Registry> = {
  provide: METRICS_REGISTRY,
  useFactory: () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    return registry;
  },
};

/** The injection token of a metric provided by this module. */
export function metricToken(name: string): string {
  return `PROM_METRIC_${name.toUpperCase()}`;
}

/** Injects the metric of that name (a prom-client Counter, Histogram, ...) from the application's registry. */
export const InjectMetric = (name: string): ParameterDecorator => Inject(metricToken(name));

function metric<T>(name: string, create: (registry: Registry) => T): FactoryProvider<T> {
  return { provide: metricToken(name), inject: [METRICS_REGISTRY], useFactory: create };
}

export const tokenMetricProviders: FactoryProvider[] = [
  metric(
    MetricNames.ChargeBatchSize,
    (registry) =>
      new Histogram({
        name: MetricNames.ChargeBatchSize,
        help: 'Charges committed together in one transaction (group commit)',
        buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.TokensCharged,
    (registry) =>
      new Counter({
        name: MetricNames.TokensCharged,
        help: 'Tokens charged by metered requests',
        labelNames: ['action'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.Charges,
    (registry) =>
      new Counter({ name: MetricNames.Charges, help: 'Metered requests charged', labelNames: ['action'], registers: [registry] }),
  ),
  metric(
    MetricNames.ChargeDuration,
    (registry) =>
      new Histogram({
        name: MetricNames.ChargeDuration,
        help: 'Time from the start of a charge to its commit, in seconds',
        labelNames: ['action'],
        buckets: CHARGE_DURATION_BUCKETS,
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.Refusals,
    (registry) =>
      new Counter({
        name: MetricNames.Refusals,
        help: 'Metered requests refused: insufficient_tokens, no_active_subscription or ledger_unavailable',
        labelNames: ['action', 'reason'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.TokensRefunded,
    (registry) =>
      new Counter({
        name: MetricNames.TokensRefunded,
        help: 'Tokens given back because the work failed',
        labelNames: ['action'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.Refunds,
    (registry) =>
      new Counter({
        name: MetricNames.Refunds,
        help: 'Charges refunded because the work failed',
        labelNames: ['action'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.AccountsSeeded,
    (registry) =>
      new Counter({
        name: MetricNames.AccountsSeeded,
        help: 'Missing token accounts created from the subscription',
        labelNames: ['plan'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.LedgerPostings,
    (registry) =>
      new Counter({
        name: MetricNames.LedgerPostings,
        help: 'Other ledger entries: grants, deductions, plan changes, period grants, expiries, purchases',
        labelNames: ['type'],
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.SettlementsPending,
    (registry) =>
      new Gauge({
        name: MetricNames.SettlementsPending,
        help: 'Refunds and unconfirmed charges waiting for the database to take them',
        registers: [registry],
      }),
  ),
  metric(
    MetricNames.Settlements,
    (registry) =>
      new Counter({
        name: MetricNames.Settlements,
        help: 'Deferred settlements that ended: settled, or abandoned at shutdown (then posted by hand)',
        labelNames: ['kind', 'outcome'],
        registers: [registry],
      }),
  ),
];
