import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from './app.setup.js';
import { AppConfig } from './config/app-config.js';
import { trustProxyOption, validateEnvironment } from './config/environment.js';
import { listeningLine } from './start-up.js';

async function bootstrap(): Promise<void> {
  // Start-up logs wait for the pino logger (JSON lines at LOG_LEVEL), which is built from the validated config.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    createFastifyAdapter({ trustProxy: trustProxyOption(validateEnvironment(process.env).TRUST_PROXY) }),
    { ...APP_OPTIONS, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  await configureApp(app);
  await app.listen(config.get('PORT'), config.get('HOST'));
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Main').log(listeningLine(config.get('HOST'), port));
}

void bootstrap();
