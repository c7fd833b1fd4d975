import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const GENERATE = 'generate one with `openssl rand -base64 48`';

/** The secrets checked when NODE_ENV=production, each with what to do about a bad one. */
const PRODUCTION_SECRETS: Record<string, string> = {
  JWT_SECRET: GENERATE,
  PAYMENT_WEBHOOK_SECRET: GENERATE,
  WEBHOOK_SECRET: `${GENERATE} and give the same to the webhook receiver`,
  ADMIN_PASSWORD: 'choose a long password of your own, e.g. `openssl rand -base64 48`',
  STRIPE_SECRET_KEY: 'use the secret key of your Stripe account (Dashboard > Developers > API keys)',
  STRIPE_WEBHOOK_SECRET: 'use the signing secret of your Stripe webhook endpoint (whsec_...)',
  METRICS_TOKEN: GENERATE,
};
const PRODUCTION_SECRET_MIN_LENGTH = 32;

/** The project root: the nearest directory with a package.json above this module (src/, dist/ or another build). */
function projectRoot(): URL | undefined {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    if (existsSync(new URL('package.json', dir))) return dir;
    if (new URL('..', dir).href === dir.href) return undefined;
  }
}

/** The values of the project's .env.example: placeholders, never real secrets. */
function exampleValues(): Set<string> {
  const root = projectRoot();
  const file = root && new URL('.env.example', root);
  // A trimmed image without the file still gets the change-me and length checks.
  if (!file || !existsSync(file)) return new Set();
  return new Set(Object.values(parseEnv(readFileSync(file, 'utf8'))).filter((value): value is string => !!value));
}

/** With NODE_ENV=production: one message per secret that is a placeholder or too short to be real. */
export function productionSecretProblems(env: { NODE_ENV: string }): Map<string, string> {
  const problems = new Map<string, string>();
  if (env.NODE_ENV !== 'production') return problems;
  const examples = exampleValues();
  for (const [name, advice] of Object.entries(PRODUCTION_SECRETS)) {
    const value = (env as unknown as Record<string, unknown>)[name];
    if (typeof value !== 'string') continue;
    let problem: string | undefined;
    if (value.toLowerCase().includes('change-me')) problem = 'contains the placeholder "change-me"';
    else if (examples.has(value)) problem = 'is a placeholder from .env.example';
    else if (value.length < PRODUCTION_SECRET_MIN_LENGTH) problem = `is shorter than ${PRODUCTION_SECRET_MIN_LENGTH} characters`;
    if (problem) problems.set(name, `${name} ${problem}, which is refused when NODE_ENV=production: ${advice}`);
  }
  return problems;
}
