import { DynamicModule, ForwardReference, Module, Provider, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from '../../src/app.setup.js';
import { trustProxyOption, validateEnvironment } from '../../src/config/environment.js';
import { HttpClient } from './http-client.js';
import { METRICS_TOKEN } from './metrics.js';
import { createTestDatabase, TestDatabase } from './test-database.js';

export const ADMIN = { email: 'admin@tokens.test', password: 'admin-password-123' };

export interface TestAppOptions {
  env?: Record<string, string>;
  /** The application's root module; default the service's AppModule. */
  root?: Type;
  /** Extra controllers (e.g. a tiny metered controller declared in the spec). */
  controllers?: Type[];
  providers?: Provider[];
  imports?: (Type | DynamicModule | ForwardReference)[];
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Reuse an existing database instead of creating one. */
  database?: TestDatabase;
}

export interface TestApp {
  app: NestFastifyApplication;
  http: HttpClient;
  dataSource: DataSource;
  database: TestDatabase;
  /** Closes the app; drops the database unless `keepDatabase`. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** The real application on a real, fresh database, listening on a random local port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const env = validateEnvironment({
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'error',
    // Suites sign up and check out far more often than a person would; the rate-limit tests set their own limits.
    THROTTLE_REGISTER_PER_HOUR: '1000000',
    THROTTLE_CHECKOUT_PER_HOUR: '1000000',
    THROTTLE_LOGIN_FAILURES_PER_ADDRESS: '1000000',
    // Cheaper password hashes keep thousands of sign-ups fast; the password tests use the production cost.
    PASSWORD_SCRYPT_COST: '14',
    METRICS_TOKEN,
    // The demo provider, so suites can complete purchases; `PAYMENT_PROVIDER: ''` unsets it.
    PAYMENT_PROVIDER: 'local',
    ...database.env,
    ...options.env,
  });
  const config = new ConfigService(env);
  // Only the test's environment counts, not variables exported in the developer's shell.
  config['skipProcessEnv'] = true;

  @Module({
    imports: [options.root ?? AppModule, ...(options.imports ?? [])],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  })
  class TestRootModule {}

  let builder = Test.createTestingModule({ imports: [TestRootModule] })
    .overrideProvider(ConfigService)
    .useValue(config);
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter({ trustProxy: trustProxyOption(env.TRUST_PROXY) }),
    { ...APP_OPTIONS, logger: ['error', 'fatal'] },
  );
  try {
    await configureApp(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    if (!options.database) await database.drop();
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    http: new HttpClient(`http://127.0.0.1:${address.port}`),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    database,
    close: async ({ keepDatabase = false } = {}) => {
      await app.close();
      if (!keepDatabase) await database.drop();
    },
  };
}
