import { plainToInstance, Transform } from 'class-transformer';
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
  ValidateIf,
  validateSync,
} from 'class-validator';
import { toNormalEmail } from '../common/email-address.js';
import { namedUpstreamsOf } from './llm-upstreams.js';
import { DeliveryEnvironment } from './delivery-environment.js';
import { productionSecretProblems } from './production-secrets.js';
import {
  AtLeastInProduction,
  HTTP_URL,
  IsDatabaseUrl,
  IsOrigin,
  NotLocalInProduction,
  PAYMENT_PROVIDERS,
  type PaymentProviderName,
  toBoolean,
  toList,
} from './environment-rules.js';

export { PAYMENT_PROVIDERS, type PaymentProviderName } from './environment-rules.js';

/**
 * Every environment variable the service reads, validated once at start-up.
 * The rest of the code reads typed values through `AppConfig`, never `process.env`.
 */
export class Environment extends DeliveryEnvironment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The interface the HTTP server listens on: 0.0.0.0 every IPv4 interface, 127.0.0.1 this machine only, :: every interface. */
  @Matches(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'HOST must be an address or host name of this machine (e.g. 0.0.0.0, 127.0.0.1, ::)' })
  HOST = '0.0.0.0';

  @IsOptional()
  @IsDatabaseUrl()
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

  /** Where Stripe Checkout sends the buyer after paying (the console's result page); Stripe replaces {CHECKOUT_SESSION_ID}. */
  @IsUrl(HTTP_URL, { message: 'STRIPE_SUCCESS_URL must be an http(s) URL' })
  STRIPE_SUCCESS_URL = 'http://localhost:3000/buy/result?checkout=success&session_id={CHECKOUT_SESSION_ID}';

  /** Where Stripe Checkout sends a buyer who gave up (the console's result page says so). */
  @IsUrl(HTTP_URL, { message: 'STRIPE_CANCEL_URL must be an http(s) URL' })
  STRIPE_CANCEL_URL = 'http://localhost:3000/buy/result?checkout=cancelled';

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
  if (env.OUTBOX_LEASE_MS <= env.WEBHOOK_TIMEOUT_MS)
    messages.set('OUTBOX_LEASE_MS', 'OUTBOX_LEASE_MS must be longer than WEBHOOK_TIMEOUT_MS');
  // A placeholder secret's message replaces its other ones: it says what to do.
  for (const [name, message] of productionSecretProblems(env)) messages.set(name, message);
  if (messages.size > 0) {
    const lines = [...messages].map(([name, message]) => `  ${name}: ${message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}
