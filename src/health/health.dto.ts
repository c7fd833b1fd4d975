import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto.js';

/** One check's report (terminus' format). */
export class HealthCheckEntryDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiPropertyOptional({
    description: 'Why the check is down',
    example: 'Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)',
  })
  message?: string;

  @ApiPropertyOptional({
    description:
      "On a Galera node only: the node's `wsrep_local_state`; 4 (Synced) is ready, 1 Joining, 2 Donor/Desynced and 3 Joined are not",
    example: 4,
  })
  wsrep_local_state?: number;

  @ApiPropertyOptional({ description: 'On a Galera node only: the name of that state', example: 'Synced' })
  wsrep_local_state_comment?: string;

  @ApiPropertyOptional({ description: 'Milliseconds the check took', example: 2 })
  responseTime?: number;
}

export class HealthChecksDto {
  @ApiProperty({ type: HealthCheckEntryDto, description: 'The database answers (a Galera node: and is Synced)' })
  database: HealthCheckEntryDto;
}

/** 200 of /health and /health/ready. */
export class HealthReportDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: string;

  @ApiProperty({ type: HealthChecksDto, description: 'The checks that passed' })
  info: HealthChecksDto;

  @ApiProperty({ type: Object, description: 'The checks that failed (none on a 200)', example: {} })
  error: Record<string, HealthCheckEntryDto>;

  @ApiProperty({ type: HealthChecksDto, description: 'Every check' })
  details: HealthChecksDto;
}

/** 503 of /health and /health/ready: the API's error body with every check's report. */
export class NotReadyBodyDto extends ErrorBodyDto {
  @ApiProperty({ type: HealthChecksDto, description: "Every check's report, the failed ones with `status: down` and a `message`" })
  checks: HealthChecksDto;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
}
