import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
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

  async revoke(userId: string, id: string): Promise<void> {
    const revoked = await this.tx.run((em) => em.update(ApiKey, { id, userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() }));
    if (!revoked.affected) throw AppError.notFound('API key');
  }

  /** The owner of a live key, or null. */
  async authenticate(key: string): Promise<User | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
    const apiKey = await this.keys.findOneBy({ keyHash: hashKey(key), revokedAt: IsNull() });
    if (!apiKey) return null;
    const user = await this.keys.manager.findOneBy(User, { id: apiKey.userId });
    const now = this.clock.now();
    if (user && (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
      await this.tx.run((em) => em.update(ApiKey, { id: apiKey.id }, { lastUsedAt: now }));
    }
    return user;
  }
}
