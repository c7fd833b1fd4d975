import type { DynamicModule, INestApplicationContext, Provider, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '@token-metering/database';
import type { DataSource } from 'typeorm';
import { type HostRequest, tokenEntities, tokenMigrations, TokensModule } from '../../src/index.js';
import { MonthlyThousandTokens } from './test-account-policy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** TokensModule.forRoot options a suite changes; the account policy and the payer have test defaults. */
export type TokensOptions = Partial<Parameters<typeof TokensModule.forRoot>[0]>;

export interface TokensTestOptions {
  tokens?: TokensOptions;
  /** The host's controllers (e.g. a tiny metered one declared in the spec). */
  controllers?: Type[];
  providers?: Provider[];
  imports?: Array<Type | DynamicModule>;
  clock?: Clock;
  /** Share an existing database (another instance of the module) instead of creating one. */
  database?: TestDatabase;
}

/** Who pays in the suites: the `X-Payer` header. */
export const payerFromHeader = (request: HostRequest): string | null => {
  const payer = request.headers['x-payer'];
  return typeof payer === 'string' && payer.length > 0 ? payer : null;
};

export interface CompiledTokensModule {
  moduleRef: TestingModule;
  database: TestDatabase;
}

/**
 * A Nest module of TypeOrmModule.forRoot on a fresh test database (the package's entities and
 * migrations) and TokensModule.forRoot with the test account policy, and nothing of any app. Not yet
 * initialised: `startTokensModule` runs it without HTTP, the HTTP suites put an adapter on it.
 */
export async function compileTokensModule(options: TokensTestOptions = {}): Promise<CompiledTokensModule> {
  const database = options.database ?? (await createTestDatabase());
  try {
    let builder = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...database.connection,
          entities: tokenEntities(database.mysql),
          // The package's own schema, ledger triggers included, as a host's data source runs it.
          migrations: tokenMigrations,
          migrationsRun: true,
          migrationsTransactionMode: 'each',
        }),
        TokensModule.forRoot({ accountPolicy: MonthlyThousandTokens, payerOf: payerFromHeader, ...options.tokens }),
        ...(options.imports ?? []),
      ],
      controllers: options.controllers ?? [],
      providers: options.providers ?? [],
    });
    if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
    return { moduleRef: await builder.compile(), database };
  } catch (error) {
    if (!options.database) await database.drop();
    throw error;
  }
}

export interface TokensTestModule {
  app: INestApplicationContext;
  dataSource: DataSource;
  database: TestDatabase;
  /** Closes the module; drops the database unless `keepDatabase`. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** The module running without HTTP: its providers called directly, as a host's own code calls them. */
export async function startTokensModule(options: TokensTestOptions = {}): Promise<TokensTestModule> {
  const { moduleRef, database } = await compileTokensModule(options);
  await moduleRef.init();
  return {
    app: moduleRef,
    dataSource: moduleRef.get<DataSource>(getDataSourceToken()),
    database,
    close: async ({ keepDatabase = false } = {}) => {
      await moduleRef.close();
      if (!keepDatabase) await database.drop();
    },
  };
}
