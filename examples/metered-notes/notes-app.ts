import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ExampleAppModule, type NotesDatabase } from './app.module.js';

/** The example on Fastify (the adoption check in scripts/ runs the same kind of app on Express). */
export function createNotesApp(env: NotesDatabase, logger?: LogLevel[]): Promise<NestFastifyApplication> {
  return NestFactory.create<NestFastifyApplication>(ExampleAppModule.forDatabase(env), new FastifyAdapter(), logger ? { logger } : {});
}
