import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@token-metering/database';
import { AppConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '@token-metering/database';
import { openingTermsOf } from '../src/subscriptions/subscriptions-account-policy.js';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service.js';
import { TokensService } from '@token-metering/tokens';
import { hashPassword, scryptParams } from '../src/users/password.js';
import { SessionsService } from '../src/users/sessions.service.js';
import { User, UserRole } from '../src/users/user.entity.js';
import { CREATE_BASELINE_USAGE_TABLE } from './baseline.controller.js';

export interface BenchUser {
  id: string;
  accessToken: string;
}

/**
 * Creates benchmark users through the application's own services: the registration transaction
 * (user, default-plan subscription, token account with its initial_grant row) and an admin grant
 * (an admin_grant ledger row). Only the password hash is computed once and shared, so a thousand
 * users take seconds instead of a thousand scrypt runs.
 */
@Injectable()
export class BenchFixtures {
  private passwordHash?: Promise<string>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  // The application's modules do not export these services; the benchmark looks them up.
  private get subscriptions(): SubscriptionsService {
    return this.moduleRef.get(SubscriptionsService, { strict: false });
  }

  private get tokens(): TokensService {
    return this.moduleRef.get(TokensService, { strict: false });
  }

  private get sessions(): SessionsService {
    return this.moduleRef.get(SessionsService, { strict: false });
  }

  async adminAccessToken(): Promise<string> {
    const admin = await this.admin();
    return (await this.sessions.open(admin)).accessToken;
  }

  async createUsers(count: number, grant: number, label: string): Promise<BenchUser[]> {
    const admin = await this.admin();
    this.passwordHash ??= hashPassword('bench-password', scryptParams(14));
    const passwordHash = await this.passwordHash;
    const created: BenchUser[] = new Array<BenchUser>(count);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const user = Object.assign(new User(), {
          id: randomUUID(),
          email: `${label}-${i}-${randomUUID().slice(0, 8)}@bench.test`,
          name: null,
          passwordHash,
          role: UserRole.User,
          createdAt: this.clock.now(),
        });
        await this.tx.run(async (em) => {
          await em.insert(User, user);
          const { subscription } = await this.subscriptions.subscribeToDefaultPlan(em, user.id);
          await this.tokens.openAccount(em, openingTermsOf(subscription));
        });
        if (grant > 0)
          await this.tx.run((em) =>
            this.tokens.adjust(
              em,
              user.id,
              { kind: 'grant', amount: grant, reason: 'benchmark balance' },
              { actorId: admin.id, requestId: 'bench-fixtures', clientRequestId: null },
            ),
          );
        created[i] = { id: user.id, accessToken: (await this.sessions.open(user)).accessToken };
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return created;
  }

  /** The usage log table of the read-modify-write baseline (benchmark database only). */
  async createBaselineTable(): Promise<void> {
    await this.dataSource.query(CREATE_BASELINE_USAGE_TABLE);
  }

  private async admin(): Promise<User> {
    const email = this.config.get('ADMIN_EMAIL');
    if (!email) throw new Error('ADMIN_EMAIL is not set');
    return this.dataSource.manager.findOneByOrFail(User, { email: email.toLowerCase() });
  }
}
