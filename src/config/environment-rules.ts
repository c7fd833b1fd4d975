import { ValidateBy, type ValidationArguments } from 'class-validator';
import { parseDatabaseUrl } from '../database/database-url.js';

/** The rules and conversions the environment's variables are declared with (environment.ts). */
export const toBoolean = ({ value }: { value: string | boolean | undefined }) =>
  value === undefined ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

export const PAYMENT_PROVIDERS = ['local', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** The local provider hands a signed success event to anyone who checks out: free tokens in production. */
export const NotLocalInProduction = () =>
  ValidateBy({
    name: 'notLocalInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        !(value === 'local' && (args?.object as { NODE_ENV?: string }).NODE_ENV === 'production'),
      defaultMessage: () =>
        'PAYMENT_PROVIDER=local is refused when NODE_ENV=production (its checkout gives anyone a signed payment event); use stripe, or leave it unset',
    },
  });

export const AtLeastInProduction = (minimum: number, message: string) =>
  ValidateBy({
    name: 'atLeastInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        (args?.object as { NODE_ENV?: string }).NODE_ENV !== 'production' || Number(value) >= minimum,
      defaultMessage: () => message,
    },
  });
/** A browser origin exactly as the Origin header spells it: http(s), host, optional port, nothing after. */
export const IsOrigin = () =>
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

export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0)
    : value;

export const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** A DATABASE_URL the app can read: one server, or a cluster's nodes (database-url.ts). */
export const IsDatabaseUrl = () =>
  ValidateBy({
    name: 'isDatabaseUrl',
    validator: {
      validate: (value: unknown) => {
        try {
          return typeof value === 'string' && parseDatabaseUrl(value).nodes.length > 0;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'DATABASE_URL must look like mysql://user:pass@host:3306/database (or mariadb://...); a Galera cluster lists its nodes: mysql://user:pass@db1:3306,db2:3306,db3:3306/database',
    },
  });
