import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isMysql } from '../database/data-source-options.js';
import { DATABASE_PROBE, DatabaseProbe, DatabaseReadiness } from './database-readiness.indicator.js';
import { HealthController } from './health.controller.js';
import { Readiness } from './readiness.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [
    {
      provide: DATABASE_PROBE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): DatabaseProbe => ({
        mysql: isMysql(dataSource.options),
        query: (sql) => dataSource.query(sql),
      }),
    },
    DatabaseReadiness,
    Readiness,
  ],
})
export class HealthModule {}
