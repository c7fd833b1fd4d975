import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Refuses to start on a database whose schema is behind the code. Migrations normally run at
 * start-up; with MIGRATIONS_RUN=false (migrations applied by a deploy step) this is the check
 * that keeps the app from serving queries against missing columns.
 */
@Injectable()
export class SchemaGuard implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const applied = new Set((await this.appliedMigrations()).map((m) => m.name));
    const pending = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
    if (pending.length > 0) {
      throw new Error(
        `Database schema is behind the code: pending migrations ${pending.join(', ')}. ` +
          'Run `npm run migration:run` or start with MIGRATIONS_RUN=true.',
      );
    }
  }

  private async appliedMigrations(): Promise<{ name: string }[]> {
    try {
      return await this.dataSource.query('SELECT name FROM migrations');
    } catch {
      return []; // no migrations table: nothing applied yet
    }
  }
}
