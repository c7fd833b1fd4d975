import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from './app.setup.js';
import { type Environment, trustProxyOption } from './config/environment.js';
import { connectionFailureLine } from './database/connection-failure.js';

/** A wildcard address listens on every interface, this machine's own among them: a browser here opens localhost. */
const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** `host:port` as it goes into a URL (IPv6 addresses in brackets). */
function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The line logged once the server listens: where it listens, and the two pages a newcomer opens
 * (the web console at `/`, where a person signs in, and the API docs at `/docs`).
 */
export function listeningLine(host: string, port: number): string {
  const base = `http://${authority(WILDCARDS.has(host) ? 'localhost' : host, port)}`;
  return `Listening on http://${authority(host, port)}; web console ${base}/, API docs ${base}/docs`;
}

/**
 * The application, its start-up logs held until the pino logger (JSON lines at LOG_LEVEL, built
 * from the validated config) takes them. When the database cannot be used, the start ends with one
 * line naming the problem; any other failure prints the held logs with Nest's report of the error.
 */
async function createApp(env: Environment): Promise<NestFastifyApplication> {
  try {
    return await NestFactory.create<NestFastifyApplication>(
      AppModule,
      createFastifyAdapter({ trustProxy: trustProxyOption(env.TRUST_PROXY) }),
      { ...APP_OPTIONS, bufferLogs: true, autoFlushLogs: false, abortOnError: false },
    );
  } catch (error) {
    const problem = env.DATABASE_URL ? connectionFailureLine(error, env.DATABASE_URL) : undefined;
    if (problem === undefined) NestLogger.flush();
    else process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}

/** Starts the HTTP server on HOST and PORT and logs where it listens. */
export async function serve(env: Environment): Promise<void> {
  const app = await createApp(env);
  app.useLogger(app.get(Logger));
  app.flushLogs();
  await configureApp(app);
  await app.listen(env.PORT, env.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Main').log(listeningLine(env.HOST, port));
}
