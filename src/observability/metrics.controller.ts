import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { Public } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { METRICS_REGISTRY } from './metrics.js';

/**
 * GET /metrics in the Prometheus text format, from the application's own registry. Never metered.
 * @Public so that a scraper's METRICS_TOKEN needs no user; MetricsAccessGuard decides who reads it.
 */
@ApiTags('operations')
@Public()
@UseGuards(MetricsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics: token charges, refusals, refunds, charge duration, process metrics',
    description:
      "Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set (and then only that), otherwise an admin's credentials.",
  })
  @ApiBearerAuth('metrics-token')
  @ApiBearerAuth()
  @ApiSecurity('api-key')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({
    description: 'UNAUTHENTICATED: not the metrics token (METRICS_TOKEN set), or not an admin (unset)',
    type: ErrorBodyDto,
  })
  async index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}
