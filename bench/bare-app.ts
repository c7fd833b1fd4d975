import 'reflect-metadata';
import { Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServerReply, ServerRequest } from './lib/server-protocol.js';

/** The same route shape as the benchmark's routes: POST, answers `{ ok: true }`. Nothing else. */
@Controller('bench')
class BareController {
  @Post('bare')
  bare(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareAppModule {}

/**
 * The reference: a bare NestJS + Fastify app, in its own process, with none of the application
 * (no guards, no database, no logger, no pipes, no security headers): what the framework alone
 * answers on this machine. Started and stopped by the runner like bench-server.ts.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareAppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const send = (reply: ServerReply): void => {
    process.send?.(reply);
  };
  process.on('message', (message: ServerRequest) => {
    if (message.type !== 'close') {
      send({ id: message.id, ok: false, error: `the bare app does not handle '${message.type}'` });
      return;
    }
    app.close().then(
      () => {
        send({ id: message.id, ok: true, value: null });
        setImmediate(() => process.exit(0));
      },
      (error: unknown) => send({ id: message.id, ok: false, error: String(error) }),
    );
  });
  send({ id: 0, ok: true, value: { port } });
}

main().catch((error: unknown) => {
  process.stderr.write(`bare app failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
