import { validateEnvironment } from '../src/config/environment.js';

describe('configuration validation at start-up', () => {
  it('accepts an empty environment (development on embedded SQLite) with the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 3000, MIGRATIONS_RUN: true, SQLITE_PATH: 'data/tokens.sqlite' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('accepts a production environment with a MySQL URL and a strong secret', () => {
    const env = validateEnvironment({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'mysql://app:secret@db.internal:3306/tokens',
      JWT_SECRET: 'x'.repeat(40),
      PAYMENT_WEBHOOK_SECRET: 'y'.repeat(32),
      MIGRATIONS_RUN: 'false',
    });
    expect(env).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false });
  });

  it('leaves PAYMENT_PROVIDER unset by default (no purchases), and drops an empty value', () => {
    expect(validateEnvironment({}).PAYMENT_PROVIDER).toBeUndefined();
    expect(validateEnvironment({ PAYMENT_PROVIDER: '' }).PAYMENT_PROVIDER).toBeUndefined();
    expect(validateEnvironment({ PAYMENT_PROVIDER: 'local' }).PAYMENT_PROVIDER).toBe('local');
    expect(validateEnvironment({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }).PAYMENT_PROVIDER).toBe('stripe');
  });

  it('reads CORS_ORIGINS as a list of origins (unset or empty: none)', () => {
    expect(validateEnvironment({}).CORS_ORIGINS).toEqual([]);
    expect(validateEnvironment({ CORS_ORIGINS: '' }).CORS_ORIGINS).toEqual([]);
    expect(validateEnvironment({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,' }).CORS_ORIGINS).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://localhost/db' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'PAYMENT_WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'http://hooks.internal/tokens' }, 'WEBHOOK_SECRET'],
    [{ PERIOD_ROLLOVER_INTERVAL_SECONDS: '-1' }, 'PERIOD_ROLLOVER_INTERVAL_SECONDS'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'admin@example.com' }, 'ADMIN_PASSWORD'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PAYMENT_PROVIDER: 'paypal' }, 'PAYMENT_PROVIDER'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PAYMENT_WEBHOOK_SECRET: 'y'.repeat(32), PAYMENT_PROVIDER: 'local' }, 'PAYMENT_PROVIDER'],
    [{ PAYMENT_PROVIDER: 'stripe', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, 'STRIPE_SECRET_KEY'],
    [{ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_CANCEL_URL: 'not a url' }, 'STRIPE_CANCEL_URL'],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ok.example.com,ftp://files.example.com' }, 'CORS_ORIGINS'],
  ])('stops with a message naming the bad variable: %j', (raw, name) => {
    expect(() => validateEnvironment(raw)).toThrow(new RegExp(`^Invalid environment configuration:[\\s\\S]*\\b${name}:`));
  });
});
