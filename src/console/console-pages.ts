import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The console's build (`npm run build` runs Vite in console/), from src/console or dist/console alike. */
export const CONSOLE_BUILD = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The paths of the console's pages (console/src/pages/index.ts, which a test keeps equal to this):
 * each answers the console's index.html, and the single-page app shows the page. None is a path of the API.
 */
export const CONSOLE_PAGES = [
  '/',
  '/sign-in',
  '/register',
  '/activity',
  '/buy',
  '/buy/result',
  '/keys',
  '/settings/alerts',
  '/admin',
  '/admin/accounts/:userId',
  '/admin/prices',
  '/admin/ai-models',
  '/admin/integrity',
] as const;

const NOT_BUILT = {
  statusCode: 404,
  code: 'NOT_FOUND',
  message: 'The web console is not built: run `npm run build`, then start the service again. The API docs are at /docs.',
};

/**
 * Serves the web console from the app itself: its pages (index.html, never cached, so a new build is
 * picked up at once) and its files under /assets (content-hashed names, cached for a year).
 */
export async function serveConsole(app: NestFastifyApplication, root = CONSOLE_BUILD): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const built = existsSync(`${root}index.html`);
  if (built) {
    await fastify.register(fastifyStatic, { root, prefix: '/assets/', serve: false, decorateReply: true });
    await fastify.register(fastifyStatic, {
      root: `${root}assets`,
      prefix: '/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  const page = (reply: FastifyReply) =>
    built
      ? reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', { cacheControl: false })
      : reply.status(404).send(NOT_BUILT);
  for (const path of CONSOLE_PAGES) fastify.get(path, (_request, reply) => page(reply));
  fastify.get('/favicon.svg', (_request, reply) => (built ? reply.sendFile('favicon.svg') : reply.status(404).send(NOT_BUILT)));
}
