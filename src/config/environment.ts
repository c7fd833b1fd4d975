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
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationArguments,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

export const PAYMENT_PROVIDERS = ['local', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** The local provider hands a signed success event to anyone who checks out: free tokens in production. */
const NotLocalInProduction = () =>
  ValidateBy({
    name: 'notLocalInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => !(value === 'local' && (args?.object as Environment).NODE_ENV === 'production'),
      defaultMessage: () => 'PAYMENT_PROVIDER=local is refused when NODE_ENV=production (its checkout gives anyone a signed payment event); use stripe, or leave it unset',
    },
  });

/** A browser origin exactly as the Origin header spells it: http(s), host, optional port, nothing after. */
const IsOrigin = () =>
  ValidateBy({
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
  }, { each: true });

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
  @IsEmail()
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
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_..., sk_live_..., rk_...)' })
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

  /** How often ended billing periods are rolled in the background; 0 turns the job off. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(86400)
  PERIOD_ROLLOVER_INTERVAL_SECONDS = 60;

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

/** `ConfigModule` validate hook: throws one message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}
