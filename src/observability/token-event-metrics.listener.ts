import { appRefusalReason } from '../common/tokens-terms.js';
import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { TokenEvents } from '@token-metering/tokens';
import type {
  TokensBatchCommittedEvent,
  TokensChargedEvent,
  TokensPostedEvent,
  TokensRefundedEvent,
  TokensRefusedEvent,
  TokensSeededEvent,
  TokensPostingEndedEvent,
} from '@token-metering/tokens';
import { InjectMetric, MetricNames } from './metrics.js';

/** Turns token events into Prometheus counters and the charge-duration histogram. */
@Injectable()
export class TokenEventMetricsListener {
  constructor(
    @InjectMetric(MetricNames.TokensCharged) private readonly tokensCharged: Counter<'action'>,
    @InjectMetric(MetricNames.Charges) private readonly charges: Counter<'action'>,
    @InjectMetric(MetricNames.ChargeDuration) private readonly chargeDuration: Histogram<'action'>,
    @InjectMetric(MetricNames.Refusals) private readonly refusals: Counter<'action' | 'reason'>,
    @InjectMetric(MetricNames.TokensRefunded) private readonly tokensRefunded: Counter<'action'>,
    @InjectMetric(MetricNames.Refunds) private readonly refunds: Counter<'action'>,
    @InjectMetric(MetricNames.AccountsSeeded) private readonly seeded: Counter<'plan'>,
    @InjectMetric(MetricNames.LedgerPostings) private readonly postings: Counter<'type'>,
    @InjectMetric(MetricNames.SettlementsPending) private readonly settlementsPending: Gauge,
    @InjectMetric(MetricNames.Settlements) private readonly settlements: Counter<'kind' | 'outcome'>,
    @InjectMetric(MetricNames.ChargeBatchSize) private readonly batchSize: Histogram,
  ) {}

  @OnEvent(TokenEvents.BatchCommitted)
  batchCommitted(e: TokensBatchCommittedEvent): void {
    this.batchSize.observe(e.charges);
  }

  @OnEvent(TokenEvents.Charged)
  charged(e: TokensChargedEvent): void {
    this.tokensCharged.inc({ action: e.action }, e.amount);
    this.charges.inc({ action: e.action });
    this.chargeDuration.observe({ action: e.action }, e.durationMs / 1000);
  }

  @OnEvent(TokenEvents.Refused)
  refused(e: TokensRefusedEvent): void {
    this.refusals.inc({ action: e.action, reason: appRefusalReason(e.reason) });
  }

  @OnEvent(TokenEvents.Refunded)
  refunded(e: TokensRefundedEvent): void {
    this.tokensRefunded.inc({ action: e.action }, e.amount);
    this.refunds.inc({ action: e.action });
  }

  @OnEvent(TokenEvents.Seeded)
  accountSeeded(e: TokensSeededEvent): void {
    this.seeded.inc({ plan: e.planCode });
  }

  @OnEvent(TokenEvents.Posted)
  posted(e: TokensPostedEvent): void {
    this.postings.inc({ type: e.type });
  }

  @OnEvent(TokenEvents.PostingDeferred)
  postingDeferred(): void {
    this.settlementsPending.inc();
  }

  @OnEvent(TokenEvents.PostingEnded)
  postingEnded(e: TokensPostingEndedEvent): void {
    this.settlementsPending.dec();
    this.settlements.inc({ kind: e.kind, outcome: e.outcome });
  }
}
