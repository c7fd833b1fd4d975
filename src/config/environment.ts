import { plainToInstance, Transform } from 'class-transformer';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationArguments,
} from 'class-validator';
import { toNormalEmail } from '../common/email-address.js';
import { namedUpstreamsOf, type LlmUpstreamEndpoint } from './llm-upstreams.js';

const toBoolean = ({ value }: { value: string | boolean | undefined }) =>
  value === undefined ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

export const PAYMENT_PROVIDERS = ['local', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** The local provider hands a signed success event to anyone who checks out: free tokens in production. */
const NotLocalInProduction = () =>
  ValidateBy({
    name: 'notLocalInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        !(value === 'local' && (args?.object as Environment).NODE_ENV === 'production'),
      defaultMessage: () =>
        'PAYMENT_PROVIDER=local is refused when NODE_ENV=production (its checkout gives anyone a signed payment event); use stripe, or leave it unset',
    },
  });

const AtLeastInProduction = (minimum: number, message: string) =>
  ValidateBy({
    name: 'atLeastInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        (args?.object as Environment).NODE_ENV !== 'production' || Number(value) >= minimum,
      defaultMessage: () => message,
    },
  });
/** A browser origin exactly as the Origin header spells it: http(s), host, optional port, nothing after. */
const IsOrigin = () =>
  ValidateBy(
    {
      name: 'isOrigin',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
          } catch {
            return false;
          }
        },
        defaultMessage: (args?: ValidationArguments) =>
          `CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (scheme, lower-case host, optional port, no path or trailing slash); got ${JSON.stringify(args?.value)}`,
      },
    },
    { each: true },
  );

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0)
    : value;

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/**
 * Every environment variable the service reads, validated once at start-up.
 * The rest of the code reads typed values through `AppConfig`, never `process.env`.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/, {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/database (or mariadb://...)',
  })
  DATABASE_URL?: string;

  @IsString()
  SQLITE_PATH = 'data/tokens.sqlite';

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @ValidateIf((env: Environment) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60)
  JWT_EXPIRES_IN_SECONDS = 3600;

  @IsOptional()
  @Transform(toNormalEmail)
  @IsEmail()
  @MaxLength(254)
  ADMIN_EMAIL?: string;

  @ValidateIf((env: Environment) => env.ADMIN_EMAIL !== undefined)
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters when ADMIN_EMAIL is set' })
  ADMIN_PASSWORD?: string;

  @ValidateIf((env: Environment) => env.NODE_ENV === 'production' || env.PAYMENT_WEBHOOK_SECRET !== undefined)
  @IsString({ message: 'PAYMENT_WEBHOOK_SECRET is required when NODE_ENV=production (it signs payment webhooks)' })
  @MinLength(16, { message: 'PAYMENT_WEBHOOK_SECRET must be at least 16 characters' })
  PAYMENT_WEBHOOK_SECRET?: string;

  /** Who takes payments: `local` (demo, refused in production), `stripe`, or unset (checkout answers 503). */
  @IsOptional()
  @IsIn(PAYMENT_PROVIDERS, { message: 'PAYMENT_PROVIDER must be local or stripe (or unset: no purchases)' })
  @NotLocalInProduction()
  PAYMENT_PROVIDER?: PaymentProviderName;

  @ValidateIf((env: Environment) => env.PAYMENT_PROVIDER === 'stripe' || env.STRIPE_SECRET_KEY !== undefined)
  @IsString({ message: 'STRIPE_SECRET_KEY is required when PAYMENT_PROVIDER=stripe' })
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, {
    message: 'STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_..., sk_live_..., rk_...)',
  })
  STRIPE_SECRET_KEY?: string;

  @ValidateIf((env: Environment) => env.PAYMENT_PROVIDER === 'stripe' || env.STRIPE_WEBHOOK_SECRET !== undefined)
  @IsString({ message: 'STRIPE_WEBHOOK_SECRET is required when PAYMENT_PROVIDER=stripe (it verifies Stripe-Signature)' })
  @Matches(/^whsec_[A-Za-z0-9_]+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)' })
  STRIPE_WEBHOOK_SECRET?: string;

  /** Where Stripe Checkout sends the buyer after paying; Stripe replaces {CHECKOUT_SESSION_ID}. */
  @IsUrl(HTTP_URL, { message: 'STRIPE_SUCCESS_URL must be an http(s) URL' })
  STRIPE_SUCCESS_URL = 'http://localhost:3000/?checkout=success&session_id={CHECKOUT_SESSION_ID}';

  /** Where Stripe Checkout sends a buyer who gave up. */
  @IsUrl(HTTP_URL, { message: 'STRIPE_CANCEL_URL must be an http(s) URL' })
  STRIPE_CANCEL_URL = 'http://localhost:3000/?checkout=cancelled';

  /** Testing and advanced use only: another address for the Stripe API (a local fake, a proxy). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'STRIPE_API_HOST must be a host name or IPv4 address' })
  STRIPE_API_HOST?: string;

  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  STRIPE_API_PORT?: number;

  @IsOptional()
  @IsIn(['https', 'http'])
  STRIPE_API_PROTOCOL?: 'https' | 'http';

  @IsOptional()
  @IsUrl({ require_tld: false })
  WEBHOOK_URL?: string;

  /** HMAC-SHA256 key of the X-Signature header of the low-balance webhook. */
  @ValidateIf((env: Environment) => env.WEBHOOK_URL !== undefined || env.WEBHOOK_SECRET !== undefined)
  @IsString({ message: 'WEBHOOK_SECRET is required when WEBHOOK_URL is set (it signs the webhook)' })
  @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  WEBHOOK_SECRET?: string;

  /** log2 of scrypt's N for new password hashes; 17 is OWASP's minimum (with r=8, p=1). Lower only to speed up tests. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(20)
  @AtLeastInProduction(17, 'PASSWORD_SCRYPT_COST must be at least 17 (OWASP) when NODE_ENV=production')
  PASSWORD_SCRYPT_COST = 17;

  /** Failed logins per account and client address in 15 minutes before the account is locked at that address for 15 minutes. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  THROTTLE_LOGIN_FAILURES = 10;

  /** Failed logins per account from all addresses together in 15 minutes before it is locked everywhere for 15 minutes. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL = 100;

  /**
   * Failed logins per client address in any 15 minutes. Each attempt holds a slot during its password check and a
   * successful one gives it back, so at most this many checks from one address are in flight or failed.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  THROTTLE_LOGIN_FAILURES_PER_ADDRESS = 100;

  /** Sign-ups per client address and hour. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  THROTTLE_REGISTER_PER_HOUR = 20;

  /** Checkouts per user and hour. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  THROTTLE_CHECKOUT_PER_HOUR = 30;

  /** Shared store of the rate limits, so they hold across instances; unset: each process counts alone. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must look like redis://host:6379 (or rediss://...)' })
  REDIS_URL?: string;

  /** Prefix of every key this service writes to Redis (several deployments can share one server). */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1 to 64 letters, digits, ":", "_" or "-"' })
  REDIS_KEY_PREFIX = 'token-metering:';

  /**
   * Which proxies are believed about the client address (X-Forwarded-For), as Fastify's trustProxy:
   * `false` (none: the peer address counts), `true` (any peer: only behind a proxy that overwrites the header),
   * or a comma-separated list of the proxies' addresses/CIDRs (e.g. `10.0.0.0/8,127.0.0.1`).
   */
  @Matches(/^(true|false|[0-9A-Fa-f:./]+(\s*,\s*[0-9A-Fa-f:./]+)*)$/, {
    message: 'TRUST_PROXY must be true, false or a comma-separated list of proxy addresses/CIDRs',
  })
  TRUST_PROXY = 'false';

  /** How often ended billing periods are rolled in the background; 0 turns the job off. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(86400)
  PERIOD_ROLLOVER_INTERVAL_SECONDS = 60;

  /** Group commit: most charges and refunds one transaction takes; 1 gives each its own transaction. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  LEDGER_BATCH_SIZE = 128;

  /** Group commit: batches committing at the same time, per instance. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(16)
  LEDGER_CONCURRENT_BATCHES = 1;

  /**
   * An OpenAI-compatible API (its base URL, e.g. https://api.openai.com/v1) that serves the AI completions of every
   * model other than the built-in `local` one, and the text services; unset: only the built-in local model answers.
   */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'LLM_BASE_URL must be an http(s) URL such as https://api.openai.com/v1' })
  LLM_BASE_URL?: string;

  /** The key sent to LLM_BASE_URL as `Authorization: Bearer <key>`; unset: no Authorization header (local servers). */
  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  /**
   * More OpenAI-compatible upstreams, by name (e.g. `hosted,vllm`), each at `LLM_UPSTREAM_<NAME>_BASE_URL` with the key
   * `LLM_UPSTREAM_<NAME>_API_KEY` (optional); an admin maps a model to one (PUT /admin/models/:model `upstream`).
   * LLM_BASE_URL is the upstream named `default`. Checked at start-up by namedUpstreamsOf (llm-upstreams.ts).
   */
  @Transform(toList)
  @IsString({ each: true })
  LLM_UPSTREAMS: string[] = [];

  /** Not a variable: the upstreams LLM_UPSTREAMS names, read from their variables by validateEnvironment. */
  llmUpstreams: LlmUpstreamEndpoint[] = [];

  /** The upstream model the text services (/services/chat, seo-title, ...) ask when LLM_BASE_URL is set. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, {
    message: 'LLM_SERVICES_MODEL must be a model id: 1 to 64 letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit',
  })
  LLM_SERVICES_MODEL = 'gpt-4o-mini';

  /** Age after which a hold that was never settled (its process died) is released. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(86400)
  HOLD_TTL_SECONDS = 900;

  /** AI completions one paying user may have in flight in one process; the next is 429 until one ends. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  LLM_MAX_CONCURRENT_PER_USER = 8;

  /**
   * The smallest output limit a completion without an explicit limit may be lowered to when the
   * balance cannot hold the model's default; below it the request is 402.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MIN_OUTPUT_TOKENS = 16;

  /** Bearer token Prometheus sends to GET /metrics; unset: only admins may read it. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  METRICS_TOKEN?: string;

  /** Browser origins allowed to call the API cross-origin (CORS); unset or empty: none. */
  @Transform(toList)
  @IsOrigin()
  CORS_ORIGINS: string[] = [];

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

/** TRUST_PROXY as Fastify's `trustProxy` option. */
export function trustProxyOption(value: string): boolean | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  return value.split(',').map((entry) => entry.trim());
}

const GENERATE = 'generate one with `openssl rand -base64 48`';

/** The secrets checked when NODE_ENV=production, each with what to do about a bad one. */
const PRODUCTION_SECRETS: Partial<Record<keyof Environment, string>> = {
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
function productionSecretProblems(env: Environment): Map<string, string> {
  const problems = new Map<string, string>();
  if (env.NODE_ENV !== 'production') return problems;
  const examples = exampleValues();
  for (const [name, advice] of Object.entries(PRODUCTION_SECRETS)) {
    const value: unknown = env[name as keyof Environment];
    if (typeof value !== 'string') continue;
    let problem: string | undefined;
    if (value.toLowerCase().includes('change-me')) problem = 'contains the placeholder "change-me"';
    else if (examples.has(value)) problem = 'is a placeholder from .env.example';
    else if (value.length < PRODUCTION_SECRET_MIN_LENGTH) problem = `is shorter than ${PRODUCTION_SECRET_MIN_LENGTH} characters`;
    if (problem) problems.set(name, `${name} ${problem}, which is refused when NODE_ENV=production: ${advice}`);
  }
  return problems;
}

/** `ConfigModule` validate hook: throws one message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const messages = new Map<string, string>();
  for (const error of validateSync(env, { skipMissingProperties: false })) {
    messages.set(error.property, Object.values(error.constraints ?? {}).join('; '));
  }
  const upstreams = namedUpstreamsOf(env.LLM_UPSTREAMS, defined);
  env.llmUpstreams = upstreams.endpoints;
  for (const [name, message] of upstreams.problems) messages.set(name, message);
  // A placeholder secret's message replaces its other ones: it says what to do.
  for (const [name, message] of productionSecretProblems(env)) messages.set(name, message);
  if (messages.size > 0) {
    const lines = [...messages].map(([name, message]) => `  ${name}: ${message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}
