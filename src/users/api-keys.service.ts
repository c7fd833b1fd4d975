import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { type SpendLimitTerms, type SpendLimitView, TokenSpendLimit, TokensService } from '@token-metering/tokens';
import { ApiKey } from './api-key.entity.js';
import { User } from './user.entity.js';

/** Every key starts with it; access tokens (JWTs) never do, so a bearer value can be told apart. */
export const API_KEY_PREFIX = 'tk_';
// last_used_at is informational; writing it at most once a minute keeps key auth off the write path.
const LAST_USED_RESOLUTION_MS = 60_000;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly tokens: TokensService,
  ) {}

  /** Returns the stored key and the plain secret; the secret is never stored or shown again. */
  async create(userId: string, name: string): Promise<{ apiKey: ApiKey; key: string }> {
    const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const apiKey = this.keys.create({
      id: randomUUID(),
      userId,
      name,
      prefix: key.slice(0, 10),
      keyHash: hashKey(key),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.tx.run((em) => em.insert(ApiKey, apiKey));
    return { apiKey, key };
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** The caller's live keys, each with its spending limit (or null) and what it spent in the limit's current period. */
  async listWithLimits(userId: string): Promise<Array<{ apiKey: ApiKey; limit: SpendLimitView | null }>> {
    const apiKeys = await this.list(userId);
    const limits = await this.tokens.spendLimits(apiKeys.map(({ id }) => id));
    return apiKeys.map((apiKey) => ({ apiKey, limit: limits.get(apiKey.id) ?? null }));
  }

  /** Sets (or with null removes) the spending limit of a live key of the caller; 404 for any other key. */
  async setLimit(userId: string, id: string, terms: SpendLimitTerms | null): Promise<{ apiKey: ApiKey; limit: SpendLimitView | null }> {
    const apiKey = await this.keys.findOneBy({ id, userId, revokedAt: IsNull() });
    if (!apiKey) throw AppError.notFound('API key');
    if (terms) await this.tokens.setSpendLimit(userId, id, terms);
    else await this.tokens.removeSpendLimit(id);
    return { apiKey, limit: (await this.tokens.spendLimits([id])).get(id) ?? null };
  }

  async revoke(userId: string, id: string): Promise<void> {
    const revoked = await this.tx.run(async (em) => {
      const result = await em.update(ApiKey, { id, userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      if (result.affected) await this.tokens.removeSpendLimit(id, em);
      return result;
    });
    if (!revoked.affected) throw AppError.notFound('API key');
  }

  /** The owner of a live key, the key's id and whether it has a spending limit; or null. */
  async authenticate(key: string): Promise<{ user: User; keyId: string; limited: boolean } | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
    // The key's limit comes with the key: a key without one costs its charges no statement.
    const { entities, raw } = await this.keys
      .createQueryBuilder('apiKey')
      .leftJoin(TokenSpendLimit, 'spendLimit', 'spendLimit.limit_id = apiKey.id')
      .addSelect('spendLimit.limit_id', 'spendLimitId')
      .where('apiKey.key_hash = :keyHash AND apiKey.revoked_at IS NULL', { keyHash: hashKey(key) })
      .getRawAndEntities<{ spendLimitId: string | null }>();
    const apiKey = entities[0];
    if (!apiKey) return null;
    const user = await this.keys.manager.findOneBy(User, { id: apiKey.userId });
    const now = this.clock.now();
    if (user && (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
      await this.tx.run((em) => em.update(ApiKey, { id: apiKey.id }, { lastUsedAt: now }));
    }
    return user ? { user, keyId: apiKey.id, limited: Boolean(raw[0]?.spendLimitId) } : null;
  }
}
