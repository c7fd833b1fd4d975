import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { isTransientConnectionFailure, START_UP_CONNECTION_RETRIES } from './connection-failure.js';
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
        // A server that is starting may answer in a moment; a wrong address, password or database name,
        // or data a migration refuses to change, will not: serve.ts names the problem in one line.
        ...START_UP_CONNECTION_RETRIES,
        toRetry: isTransientConnectionFailure,
      }),
    }),
  ],
  providers: [TransactionRunner, SchemaGuard],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
