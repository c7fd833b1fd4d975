import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { APP_START_RETRIES, worthRetryingAtStart } from './connection-failure.js';
import { initializeDataSource, MigrationLockTimeout } from './migration-lock.js';
import { SchemaGuard } from './schema.guard.js';
import { TransactionRunner } from '@token-metering/database';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({
          DATABASE_URL: config.get('DATABASE_URL'),
          SQLITE_PATH: config.get('SQLITE_PATH'),
          MIGRATIONS_RUN: config.get('MIGRATIONS_RUN'),
        }),
        ...APP_START_RETRIES,
        // A wait for another instance's migrations that ran out already waited long enough.
        toRetry: (error: unknown) => worthRetryingAtStart(error) && !(error instanceof MigrationLockTimeout),
      }),
      // Pending migrations run after the connection, once across instances (migration-lock.ts).
      dataSourceFactory: (options) => initializeDataSource(options!),
    }),
  ],
  providers: [TransactionRunner, SchemaGuard],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
