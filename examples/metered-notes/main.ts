import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ExampleAppModule } from './app.module.js';

/** `npm run example:notes`: the example on http://localhost:3001 (SQLite in data/example-notes.sqlite unless DATABASE_URL is set). */
async function bootstrap(): Promise<void> {
  process.env.SQLITE_PATH ??= 'data/example-notes.sqlite';
  const app = await NestFactory.create<NestFastifyApplication>(ExampleAppModule, new FastifyAdapter());
  await app.listen(Number(process.env.PORT ?? 3001), '0.0.0.0');
}

void bootstrap();
