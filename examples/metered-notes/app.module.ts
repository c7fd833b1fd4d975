import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { tokenEntities, tokenMigrations } from '@token-metering/tokens';
import type { DataSourceOptions } from 'typeorm';
import { NotesModule } from './notes.module.js';

/** Where the example keeps its data: a MySQL/MariaDB database when DATABASE_URL is set, else a SQLite file. */
export interface NotesDatabase {
  DATABASE_URL?: string;
  SQLITE_PATH?: string;
}

function dataSourceOptions(env: NotesDatabase): DataSourceOptions {
  // The tokens tables come from the package's migrations, run at start-up.
  const tables = { entities: tokenEntities(Boolean(env.DATABASE_URL)), migrations: tokenMigrations, migrationsRun: true } as const;
  if (!env.DATABASE_URL) return { ...tables, type: 'better-sqlite3', database: env.SQLITE_PATH ?? 'data/example-notes.sqlite' };
  return {
    ...tables,
    type: env.DATABASE_URL.startsWith('mariadb:') ? 'mariadb' : 'mysql',
    url: env.DATABASE_URL.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
  };
}

/** The example application: its own database and the notes module; no users, no subscriptions, nothing of the service. */
@Module({})
export class ExampleAppModule {
  static forDatabase(env: NotesDatabase): DynamicModule {
    return { module: ExampleAppModule, imports: [TypeOrmModule.forRoot(dataSourceOptions(env)), NotesModule] };
  }
}
