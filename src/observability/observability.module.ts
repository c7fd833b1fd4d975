import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { APP_LOGGER, createAppLogger, defaultLogDestination, httpLoggingParams, LOG_DESTINATION } from './app-logger.js';
import { MetricsController } from './metrics.controller.js';
import { METRICS_REGISTRY, metricsRegistryProvider, tokenMetricProviders } from './metrics.js';
import { TokenEventLogListener } from './token-event-log.listener.js';
import { TokenEventMetricsListener } from './token-event-metrics.listener.js';

/**
 * Structured logs and metrics. The app logger is pino (nestjs-pino): JSON lines at LOG_LEVEL, a
 * request log line per request with its request id, credentials redacted; serve.ts installs it as
 * Nest's logger. Token events become one log line each and Prometheus metrics at GET /metrics
 * (prom-client, in a registry of this application instance).
 *
 * APP_LOGGER is this application's own pino instance: event lines always go to its
 * LOG_DESTINATION. nestjs-pino keeps one root logger per process, built for the first application
 * that starts, so with several applications in one process (tests) the request lines and Nest's
 * logs of all of them go to the first one's destination.
 *
 * Global, so other modules can log through APP_LOGGER and register metrics in METRICS_REGISTRY.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      // nestjs-pino 4 is CommonJS: its types cannot import Nest 12's (ESM only), so TypeScript reads
      // them as `any`, and these two optional fields as required.
      imports: [],
      providers: [],
      inject: [APP_LOGGER],
      useFactory: (logger: Logger) => httpLoggingParams(logger),
    }),
  ],
  controllers: [MetricsController],
  providers: [
    { provide: LOG_DESTINATION, useFactory: defaultLogDestination },
    {
      provide: APP_LOGGER,
      inject: [AppConfig, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream) => createAppLogger(config.get('LOG_LEVEL'), destination),
    },
    metricsRegistryProvider,
    ...tokenMetricProviders,
    TokenEventLogListener,
    TokenEventMetricsListener,
  ],
  exports: [APP_LOGGER, METRICS_REGISTRY],
})
export class ObservabilityModule implements OnApplicationShutdown {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}
