import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { AppError, ErrorCode } from '../common/app-error.js';
import { DatabaseReadiness } from './database-readiness.indicator.js';

/** How long the database may take to answer a readiness check. */
const DATABASE_TIMEOUT_MS = 1500;

/** The readiness checks, and their failure as the API's usual error body (503 SERVICE_UNAVAILABLE) carrying the report. */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseReadiness,
  ) {}

  async report(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.check('database', DATABASE_TIMEOUT_MS)]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.entries(result.error ?? {}).map(([key, entry]) => `${key}: ${String(entry?.message ?? entry?.status)}`);
      const reason = result.status === 'shutting_down' ? 'the server is shutting down' : failed.join('; ');
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, `Not ready: ${reason}`, { checks: result.details });
    }
  }
}
