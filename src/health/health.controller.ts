import { applyDecorators, Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../common/auth.decorators.js';
import { HealthReportDto, LivenessDto, NotReadyBodyDto } from './health.dto.js';
import { Readiness } from './readiness.js';

const JOINING = 'Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)';

/** The answers of a readiness check: its report, or 503 with the API's error body and the report. */
const ReadinessAnswers = () =>
  applyDecorators(
    HealthCheck(),
    ApiOkResponse({
      type: HealthReportDto,
      description: 'Ready: the database answers (on a Galera node: and the node is Synced)',
      example: {
        status: 'ok',
        info: { database: { status: 'up', responseTime: 2 } },
        error: {},
        details: { database: { status: 'up', responseTime: 2 } },
      },
    }),
    ApiServiceUnavailableResponse({
      type: NotReadyBodyDto,
      description:
        'SERVICE_UNAVAILABLE: not ready. The database does not answer within 1.5 s, or the server is a Galera node that is not ' +
        'Synced (Joining, Donor/Desynced, Joined), or the server is shutting down; `checks` names why',
      example: {
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: `Not ready: database: ${JOINING}`,
        checks: {
          database: { status: 'down', wsrep_local_state: 1, wsrep_local_state_comment: 'Joining', responseTime: 2, message: JOINING },
        },
      },
    }),
  );

const READY =
  'Public and never metered. The database must answer within 1.5 s; when it is a Galera node (`wsrep_on` ON and a `wsrep_local_state`), ' +
  'the node must be Synced (`wsrep_local_state` 4): a node that is joining or a donor is not ready. SQLite, MySQL and a MariaDB ' +
  "without Galera are ready when they answer. 200 carries the checks' report; 503 is the API's usual error body (`SERVICE_UNAVAILABLE`) with " +
  'the report in `checks`.';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get()
  @ApiOperation({ summary: '200 when the database answers and is ready, 503 otherwise (as /health/ready)', description: READY })
  @ReadinessAnswers()
  check(): Promise<HealthCheckResult> {
    return this.readiness.report();
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness, for load balancers: 200 when this instance may get traffic, 503 otherwise', description: READY })
  @ReadinessAnswers()
  ready(): Promise<HealthCheckResult> {
    return this.readiness.report();
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: 200 while the process runs',
    description:
      'Public and never metered, for orchestrators: answers 200 whenever the process can serve HTTP, touching no database, so a ' +
      'database that is away or a Galera node that is joining never gets the instance restarted. Use /health/ready to route traffic.',
  })
  @ApiOkResponse({ type: LivenessDto, description: 'The process runs' })
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
