import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from '../src/app.setup.js';
import { BenchAppModule } from './bench-app.module.js';
import { BenchFixtures } from './bench-fixtures.js';
import type { ServerReply, ServerRequest } from './lib/server-protocol.js';

/**
 * The application under test, in its own process: started exactly like main.ts (Fastify adapter,
 * pino logger, same setup), with the benchmark module on top. The load generator in the parent
 * process talks to it over HTTP and asks it for fixtures over the IPC channel.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BenchAppModule, createFastifyAdapter(), {
    ...APP_OPTIONS,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const fixtures = app.get(BenchFixtures);

  const send = (reply: ServerReply): void => {
    process.send?.(reply);
  };
  process.on('message', (message: ServerRequest) => {
    const answer = async (): Promise<unknown> => {
      switch (message.type) {
        case 'createUsers':
          return fixtures.createUsers(message.count, message.grant, message.label);
        case 'adminAccessToken':
          return fixtures.adminAccessToken();
        case 'createBaselineTable':
          return fixtures.createBaselineTable();
        case 'close':
          await app.close();
          setImmediate(() => process.exit(0));
          return null;
      }
    };
    answer().then(
      (value) => send({ id: message.id, ok: true, value }),
      (error: unknown) =>
        send({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  send({ id: 0, ok: true, value: { port } });
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
