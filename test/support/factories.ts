import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SessionsService } from '../../src/users/sessions.service.js';
import { User } from '../../src/users/user.entity.js';
import type { HttpClient } from './http-client.js';
import { ADMIN } from './test-app.js';

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

let counter = 0;

export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${counter}.${randomUUID().slice(0, 8)}@tokens.test`;
}

/** Registers a user through the API (free plan, 100 tokens). */
export async function registerUser(
  http: HttpClient,
  overrides: { email?: string; password?: string; name?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const response = await http.post('/auth/register', { email, password: overrides.password ?? 'password-123', name: overrides.name });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.user.id, email, token: response.body.accessToken };
}

export async function loginAdmin(http: HttpClient): Promise<string> {
  const response = await http.post('/auth/login', ADMIN);
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.accessToken;
}

/** Spends tokens through a real metered call (ai_chat_message, 1 token each) until `balance` remain. */
export async function spendDownTo(http: HttpClient, user: TestUser, balance: number): Promise<void> {
  const current = (await http.get('/tokens/balance', { token: user.token })).body.balance as number;
  for (let i = current; i > balance; i--) {
    const response = await http.post('/services/chat', { message: 'spend' }, { token: user.token });
    if (response.status !== 201) throw new Error(`spend failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC: what both databases accept for a datetime column. */
export const sqlDate = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** A users row written directly (no subscription, no token account): for users the API could not have made. */
export async function insertRawUser(
  dataSource: DataSource,
  user: { id?: string; email?: string; name?: string } = {},
): Promise<{ id: string; email: string }> {
  const id = user.id ?? randomUUID();
  const email = user.email ?? uniqueEmail('raw');
  await dataSource.query('INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    id,
    email,
    user.name ?? 'Raw user',
    'scrypt$1$1$1$AA==$AA==',
    'user',
    sqlDate(new Date()),
  ]);
  return { id, email };
}

/**
 * A user imported from an older system: user and subscription rows exist, the token account
 * does not (the situation of accounts with a NULL balance).
 */
export async function insertUserWithoutAccount(dataSource: DataSource, planCode: string): Promise<{ id: string; email: string }> {
  const now = sqlDate(new Date());
  const periodEnd = sqlDate(new Date(Date.now() + 30 * 24 * 3600 * 1000));
  const [plan] = await dataSource.query('SELECT monthly_tokens FROM plans WHERE code = ?', [planCode]);
  const { id, email } = await insertRawUser(dataSource, { email: uniqueEmail('legacy'), name: 'Legacy user' });
  await dataSource.query(
    'INSERT INTO subscriptions (user_id, plan_code, tokens_limit, status, period_start, period_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [id, planCode, Number(plan.monthly_tokens), 'active', now, periodEnd, now, now],
  );
  return { id, email };
}

/** A signed-in session for any user id, as a login opens one (for users created directly in the database). */
export async function openSession(
  app: INestApplication,
  userId: string,
  role: 'user' | 'admin' = 'user',
): Promise<{ token: string; sessionId: string }> {
  const { accessToken } = await app.get(SessionsService, { strict: false }).open(Object.assign(new User(), { id: userId, role }));
  return { token: accessToken, sessionId: JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid };
}

/** A bearer token for any user id, with a real session (for users created directly in the database). */
export async function bearerTokenFor(app: INestApplication, userId: string, role: 'user' | 'admin' = 'user'): Promise<string> {
  return (await openSession(app, userId, role)).token;
}

/** Buys a token package through the checkout and the signed event the local payment provider hands out. */
export async function buyTokens(http: HttpClient, user: TestUser, packageCode = 'tokens_1k'): Promise<void> {
  const checkout = await http.post('/billing/checkout', { packageCode }, { token: user.token });
  if (checkout.status !== 201 || !checkout.body.completion)
    throw new Error(`checkout failed: ${checkout.status} ${JSON.stringify(checkout.body)}`);
  const { webhookPath, body, signature } = checkout.body.completion;
  const paid = await http.post(webhookPath, undefined, { raw: body, headers: { 'x-signature': signature } });
  if (paid.status !== 200 || paid.body.outcome !== 'credited')
    throw new Error(`payment failed: ${paid.status} ${JSON.stringify(paid.body)}`);
}
