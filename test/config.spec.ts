import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { validateEnvironment } from '../src/config/environment.js';

describe('configuration validation at start-up', () => {
  it('accepts an empty environment (development on embedded SQLite) with the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      MIGRATIONS_RUN: true,
      SQLITE_PATH: 'data/tokens.sqlite',
    });
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

  it('listens on the HOST given (an IPv4 or IPv6 address, or a host name), every interface by default', () => {
    for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'api.internal']) expect(validateEnvironment({ HOST: host }).HOST).toBe(host);
    expect(validateEnvironment({ HOST: '' }).HOST).toBe('0.0.0.0');
  });

  it('leaves PAYMENT_PROVIDER unset by default (no purchases), and drops an empty value', () => {
    expect(validateEnvironment({}).PAYMENT_PROVIDER).toBeUndefined();
    expect(validateEnvironment({ PAYMENT_PROVIDER: '' }).PAYMENT_PROVIDER).toBeUndefined();
    expect(validateEnvironment({ PAYMENT_PROVIDER: 'local' }).PAYMENT_PROVIDER).toBe('local');
    expect(
      validateEnvironment({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' })
        .PAYMENT_PROVIDER,
    ).toBe('stripe');
  });

  it('reads CORS_ORIGINS as a list of origins (unset or empty: none)', () => {
    expect(validateEnvironment({}).CORS_ORIGINS).toEqual([]);
    expect(validateEnvironment({ CORS_ORIGINS: '' }).CORS_ORIGINS).toEqual([]);
    expect(validateEnvironment({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,' }).CORS_ORIGINS).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it('leaves the AI upstream unset by default (the built-in local model answers), with a hold TTL of 900 s', () => {
    const env = validateEnvironment({ LLM_BASE_URL: '', LLM_API_KEY: '' });
    expect(env).toMatchObject({ LLM_SERVICES_MODEL: 'gpt-4o-mini', HOLD_TTL_SECONDS: 900 });
    expect([env.LLM_BASE_URL, env.LLM_API_KEY]).toEqual([undefined, undefined]);
    expect(
      validateEnvironment({
        LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
        LLM_API_KEY: 'sk-test',
        LLM_SERVICES_MODEL: 'meta-llama/Llama-3.1-8B-Instruct',
        HOLD_TTL_SECONDS: '10',
      }),
    ).toMatchObject({
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_API_KEY: 'sk-test',
      LLM_SERVICES_MODEL: 'meta-llama/Llama-3.1-8B-Instruct',
      HOLD_TTL_SECONDS: 10,
    });
    expect(validateEnvironment({ HOLD_TTL_SECONDS: '86400' }).HOLD_TTL_SECONDS).toBe(86400);
  });

  it('allows 8 completions in flight per user by default, and any number from 1', () => {
    expect(validateEnvironment({}).LLM_MAX_CONCURRENT_PER_USER).toBe(8);
    expect(validateEnvironment({ LLM_MAX_CONCURRENT_PER_USER: '' }).LLM_MAX_CONCURRENT_PER_USER).toBe(8);
    expect(validateEnvironment({ LLM_MAX_CONCURRENT_PER_USER: '1' }).LLM_MAX_CONCURRENT_PER_USER).toBe(1);
    expect(validateEnvironment({ LLM_MAX_CONCURRENT_PER_USER: '64' }).LLM_MAX_CONCURRENT_PER_USER).toBe(64);
  });

  it('lowers an output limit to at least 16 tokens by default (MIN_OUTPUT_TOKENS), or as set from 1', () => {
    expect(validateEnvironment({}).MIN_OUTPUT_TOKENS).toBe(16);
    expect(validateEnvironment({ MIN_OUTPUT_TOKENS: '1' }).MIN_OUTPUT_TOKENS).toBe(1);
    expect(validateEnvironment({ MIN_OUTPUT_TOKENS: '256' }).MIN_OUTPUT_TOKENS).toBe(256);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HOST: 'http://localhost' }, 'HOST'],
    [{ HOST: 'two words' }, 'HOST'],
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
    [
      { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PAYMENT_WEBHOOK_SECRET: 'y'.repeat(32), PAYMENT_PROVIDER: 'local' },
      'PAYMENT_PROVIDER',
    ],
    [{ PAYMENT_PROVIDER: 'stripe', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, 'STRIPE_SECRET_KEY'],
    [{ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_CANCEL_URL: 'not a url' }, 'STRIPE_CANCEL_URL'],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ok.example.com,ftp://files.example.com' }, 'CORS_ORIGINS'],
    [{ LLM_BASE_URL: 'not a url' }, 'LLM_BASE_URL'],
    [{ LLM_BASE_URL: 'ftp://models.internal/v1' }, 'LLM_BASE_URL'],
    [{ LLM_SERVICES_MODEL: 'has space' }, 'LLM_SERVICES_MODEL'],
    [{ LLM_SERVICES_MODEL: 'x'.repeat(65) }, 'LLM_SERVICES_MODEL'],
    [{ HOLD_TTL_SECONDS: '9' }, 'HOLD_TTL_SECONDS'],
    [{ HOLD_TTL_SECONDS: '86401' }, 'HOLD_TTL_SECONDS'],
    [{ HOLD_TTL_SECONDS: '1.5' }, 'HOLD_TTL_SECONDS'],
    [{ HOLD_TTL_SECONDS: 'soon' }, 'HOLD_TTL_SECONDS'],
    [{ LLM_MAX_CONCURRENT_PER_USER: '0' }, 'LLM_MAX_CONCURRENT_PER_USER'],
    [{ LLM_MAX_CONCURRENT_PER_USER: '-3' }, 'LLM_MAX_CONCURRENT_PER_USER'],
    [{ LLM_MAX_CONCURRENT_PER_USER: '2.5' }, 'LLM_MAX_CONCURRENT_PER_USER'],
    [{ LLM_MAX_CONCURRENT_PER_USER: 'many' }, 'LLM_MAX_CONCURRENT_PER_USER'],
    [{ MIN_OUTPUT_TOKENS: '0' }, 'MIN_OUTPUT_TOKENS'],
    [{ MIN_OUTPUT_TOKENS: '2.5' }, 'MIN_OUTPUT_TOKENS'],
    [{ MIN_OUTPUT_TOKENS: 'few' }, 'MIN_OUTPUT_TOKENS'],
  ])('stops with a message naming the bad variable: %j', (raw, name) => {
    expect(() => validateEnvironment(raw)).toThrow(new RegExp(`^Invalid environment configuration:[\\s\\S]*\\b${name}:`));
  });
});

describe('secrets when NODE_ENV=production', () => {
  const exampleFile = parseEnv(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
  const exampleValues = [...new Set(Object.values(exampleFile).filter((value): value is string => !!value))];

  // Real-looking values for every checked secret, each valid for its own format.
  const good = {
    JWT_SECRET: 'Qm9vdHN0cmFwcGVkLWp3dC1zZWNyZXQtb2YtYXQtbGVhc3QtMzI',
    PAYMENT_WEBHOOK_SECRET: 'cGF5bWVudC13ZWJob29rLXNlY3JldC1vZi1hdC1sZWFzdC0zMg',
    WEBHOOK_SECRET: 'd2ViaG9vay1zZWNyZXQtb2YtYXQtbGVhc3QtMzItY2hhcmFjdGVycw',
    ADMIN_PASSWORD: 'YWRtaW4tcGFzc3dvcmQtb2YtYXQtbGVhc3QtMzItY2hhcmFjdGVycw',
    STRIPE_SECRET_KEY: 'sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    STRIPE_WEBHOOK_SECRET: 'whsec_Zm9yLXRoZS1zdHJpcGUtd2ViaG9vay1lbmRwb2ludA',
    METRICS_TOKEN: 'bWV0cmljcy10b2tlbi1vZi1hdC1sZWFzdC0zMi1jaGFyYWN0ZXJz',
  };
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'mysql://app:secret@db.internal:3306/tokens',
    ADMIN_EMAIL: 'ops@tokens.example',
    WEBHOOK_URL: 'https://hooks.internal/tokens',
    PAYMENT_PROVIDER: 'stripe',
    ...good,
  };
  const secrets = Object.keys(good) as (keyof typeof good)[];

  /** The message line of `name`, or undefined when the environment was accepted. */
  function refusal(raw: Record<string, string>, name: string): string | undefined {
    try {
      validateEnvironment(raw);
      return undefined;
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid environment configuration:\n/);
      return message.split('\n').find((line) => line.startsWith(`  ${name}: `));
    }
  }

  it('accepts real secrets', () => {
    expect(validateEnvironment(production)).toMatchObject(good);
  });

  it('has a .env.example with every checked secret and the change-me placeholders', () => {
    for (const name of ['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'ADMIN_PASSWORD']) expect(exampleFile[name]).toMatch(/change-me/i);
    for (const name of [...secrets, 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD']) expect(Object.keys(exampleFile)).toContain(name);
  });

  describe.each(secrets)('%s', (name) => {
    it.each(['change-me', 'CHANGE-ME', 'Change-Me'])('refuses a value containing %s, with what to do', (mark) => {
      const value = `${good[name].slice(0, 20)}${mark}${good[name].slice(20)}`;
      const line = refusal({ ...production, [name]: value }, name);
      expect(line).toContain(`${name} contains the placeholder "change-me", which is refused when NODE_ENV=production`);
      expect(line).toMatch(name.startsWith('STRIPE_') ? /Stripe/ : /openssl rand -base64 48/);
    });

    it('refuses every value of .env.example', () => {
      expect(exampleValues.length).toBeGreaterThan(5);
      for (const value of exampleValues) {
        const line = refusal({ ...production, [name]: value }, name);
        expect({ value, line }).toEqual({
          value,
          line: expect.stringMatching(
            new RegExp(`^  ${name}: ${name} (contains the placeholder|is a placeholder from \\.env\\.example|is shorter than 32)`),
          ),
        });
      }
    });

    it('refuses a value shorter than 32 characters and accepts 32', () => {
      const line = refusal({ ...production, [name]: good[name].slice(0, 31) }, name);
      expect(line).toContain(`${name} is shorter than 32 characters, which is refused when NODE_ENV=production`);
      expect(refusal({ ...production, [name]: good[name].slice(0, 32) }, name)).toBeUndefined();
    });
  });

  it('names each bad secret once, on its own line', () => {
    let message = '';
    try {
      validateEnvironment({
        ...production,
        JWT_SECRET: 'short',
        ADMIN_PASSWORD: exampleFile.ADMIN_PASSWORD!,
        METRICS_TOKEN: exampleFile.STRIPE_SUCCESS_URL!,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}JWT_SECRET: JWT_SECRET is shorter than 32 characters/),
      expect.stringMatching(/^ {2}ADMIN_PASSWORD: ADMIN_PASSWORD contains the placeholder/),
      expect.stringMatching(/^ {2}METRICS_TOKEN: METRICS_TOKEN is a placeholder from \.env\.example/),
    ]);
  });

  it('leaves development and test as they were: placeholders and the old minimum lengths are accepted', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const env = validateEnvironment({
        NODE_ENV,
        JWT_SECRET: exampleFile.JWT_SECRET!.padEnd(32, 'x'),
        PAYMENT_WEBHOOK_SECRET: 'change-me-sixteen',
        WEBHOOK_URL: 'https://hooks.internal/tokens',
        WEBHOOK_SECRET: 'x'.repeat(16),
        ADMIN_EMAIL: exampleFile.ADMIN_EMAIL!,
        ADMIN_PASSWORD: exampleFile.ADMIN_PASSWORD!,
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      });
      expect(env.NODE_ENV).toBe(NODE_ENV);
    }
    expect(() => validateEnvironment({ NODE_ENV: 'development', PAYMENT_WEBHOOK_SECRET: 'x'.repeat(15) })).toThrow(
      /PAYMENT_WEBHOOK_SECRET: PAYMENT_WEBHOOK_SECRET must be at least 16 characters/,
    );
    expect(() => validateEnvironment({ METRICS_TOKEN: 'x'.repeat(31) })).toThrow(/METRICS_TOKEN:/);
  });
});
