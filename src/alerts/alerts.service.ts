import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock, selectRows, TransactionRunner } from '@token-metering/database';
import { AppError, ErrorCode } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { AlertSetting, type AlertThreshold } from './alert-setting.entity.js';
import { AlertDeliveryDto, AlertsDto, AlertThresholdViewDto, type PutAlertsDto, SavedAlertSettingDto } from './dto/alerts.dto.js';
import { productionWebhookUrlProblem } from './webhook-url-policy.js';

const DELIVERIES_SHOWN = 20;

interface DeliveryRow {
  id: string;
  type: string;
  body: string;
  status: string;
  attempts: number | string;
  last_attempt_at: Date | string | null;
  last_error: string | null;
}

/** A user's alert setting, and what became of the events sent to its webhook. */
@Injectable()
export class AlertsService {
  private readonly production: boolean;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.production = config.get('NODE_ENV') === 'production';
  }

  /** Replaces the user's setting; a new signing secret each time, returned only here. */
  async put(userId: string, body: PutAlertsDto): Promise<SavedAlertSettingDto> {
    if (this.production) {
      const problem = await productionWebhookUrlProblem(body.webhookUrl);
      if (problem) throw new AppError(ErrorCode.VALIDATION_FAILED, problem, { details: [{ field: 'webhookUrl', errors: [problem] }] });
    }
    const setting = Object.assign(new AlertSetting(), {
      userId,
      webhookUrl: body.webhookUrl,
      signingSecret: `whsec_${randomBytes(24).toString('hex')}`,
      thresholds: body.thresholds.map((threshold): AlertThreshold =>
        threshold.tokens !== undefined ? { tokens: threshold.tokens } : { percentOfAllowance: threshold.percentOfAllowance! },
      ),
      updatedAt: this.clock.now(),
    });
    await this.tx.run((em) => em.upsert(AlertSetting, setting, ['userId']));
    return { ...viewOf(setting), signingSecret: setting.signingSecret };
  }

  async get(userId: string): Promise<AlertsDto> {
    const em = this.tx.manager;
    const setting = await em.findOneBy(AlertSetting, { userId });
    const rows = await selectRows<DeliveryRow>(
      em,
      `SELECT id, type, body, status, attempts, last_attempt_at, last_error FROM outbox_events
        WHERE user_id = ? AND destination = 'user' ORDER BY seq DESC LIMIT ${DELIVERIES_SHOWN}`,
      [userId],
    );
    const view = setting ? viewOf(setting) : { thresholds: [], webhookUrl: null, updatedAt: null };
    return { ...view, deliveries: rows.map(deliveryOf) };
  }
}

function viewOf(setting: AlertSetting) {
  return {
    thresholds: setting.thresholds.map(AlertThresholdViewDto.from),
    webhookUrl: setting.webhookUrl,
    updatedAt: setting.updatedAt.toISOString(),
  };
}

function deliveryOf(row: DeliveryRow): AlertDeliveryDto {
  const threshold = (JSON.parse(row.body) as { data?: { threshold?: unknown } }).data?.threshold;
  return {
    id: row.id,
    event: row.type,
    threshold: typeof threshold === 'number' ? threshold : null,
    status: row.status,
    attempts: Number(row.attempts),
    lastAttemptAt: row.last_attempt_at === null ? null : utcDateOf(row.last_attempt_at).toISOString(),
    lastError: row.last_error,
  };
}

/** A datetime as the driver returns it: a Date (mysql2), or SQLite's UTC text without a zone. */
function utcDateOf(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
