import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { HttpClient } from './http-client.js';
import { compileTokensModule, type TokensTestOptions } from './tokens-test-module.js';

/** The HTTP platforms the package works on: every HTTP suite runs on each. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface ListeningApp {
  app: INestApplication;
  http: HttpClient;
}

/**
 * A Nest application of `moduleRef` on `adapter`, as a host that added nothing of its own would run
 * it (Nest's default exception handling, no global pipe), listening on a random local port.
 */
export async function listen(moduleRef: TestingModule, adapter: Adapter): Promise<ListeningApp> {
  const app = moduleRef.createNestApplication(adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, http: new HttpClient(`http://127.0.0.1:${port}`) };
}

export interface HostApp extends ListeningApp {
  dataSource: DataSource;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

/** A host app: TokensModule on a fresh test database, the spec's controllers, on `adapter`. */
export async function startHostApp(adapter: Adapter, options: TokensTestOptions = {}): Promise<HostApp> {
  const { moduleRef, database } = await compileTokensModule(options);
  const listening = await listen(moduleRef, adapter).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    ...listening,
    dataSource: moduleRef.get<DataSource>(getDataSourceToken()),
    close: async () => {
      await listening.app.close();
      await database.drop();
    },
  };
}
