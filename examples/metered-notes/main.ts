import { mkdirSync } from 'node:fs';
import { createNotesApp } from './notes-app.js';

/** `npm run example:notes`: the example on http://localhost:3001 (SQLite in data/example-notes.sqlite unless DATABASE_URL is set). */
async function bootstrap(): Promise<void> {
  if (!process.env.DATABASE_URL && !process.env.SQLITE_PATH) mkdirSync('data', { recursive: true });
  const app = await createNotesApp(process.env);
  await app.listen(Number(process.env.PORT ?? 3001), '0.0.0.0');
}

void bootstrap();
