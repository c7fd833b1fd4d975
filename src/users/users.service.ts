import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { normalizeEmail } from '../common/email-address.js';
import { AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { LoginAttempts } from '../rate-limits/login-attempts.js';
import { openingTermsOf } from '../subscriptions/subscriptions-account-policy.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { TokensService } from '@token-metering/tokens';
import { hashPassword, needsRehash, scryptParams, type ScryptParams, verifyPassword } from './password.js';
import { AccessToken, SessionsService } from './sessions.service.js';
import { User, UserRole } from './user.entity.js';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly scrypt: ScryptParams;
  /** Checked against when the email is unknown, so a login takes as long either way. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly tx: TransactionRunner,
    private readonly subscriptions: SubscriptionsService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly loginAttempts: LoginAttempts,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.scrypt = scryptParams(config.get('PASSWORD_SCRYPT_COST'));
  }

  /** Creates the user, its default-plan subscription and its token account in one transaction. */
  async register(input: { email: string; password: string; name?: string }, role = UserRole.User): Promise<User> {
    const passwordHash = await hashPassword(input.password, this.scrypt);
    const user = this.users.create({
      id: randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name ?? null,
      passwordHash,
      role,
      createdAt: this.clock.now(),
    });
    try {
      await this.tx.run(async (em) => {
        await em.insert(User, user);
        const { subscription } = await this.subscriptions.subscribeToDefaultPlan(em, user.id);
        await this.tokens.openAccount(em, openingTermsOf(subscription));
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
      throw error;
    }
    return user;
  }

  /** 429 while the account or the address is locked by failed attempts; a hash made with older parameters is replaced. */
  async login(email: string, password: string, address: string): Promise<AccessToken> {
    const user = await this.checkPassword(email, password, address);
    if (needsRehash(user.passwordHash, this.scrypt)) await this.rehash(user, password);
    return this.sessions.open(user);
  }

  /** Changes the password and ends every session of the user; the current password is checked like a login. */
  async changePassword(userId: string, currentPassword: string, newPassword: string, address: string): Promise<void> {
    const { email } = await this.get(userId);
    const user = await this.checkPassword(email, currentPassword, address);
    const passwordHash = await hashPassword(newPassword, this.scrypt);
    await this.tx.run(async (em) => {
      await em.update(User, { id: user.id }, { passwordHash });
      await this.sessions.endAll(em, user.id);
    });
  }

  /** The user whose password this is; the attempt holds its address's slot during the check, a wrong password keeps it and counts as a failure. */
  private async checkPassword(email: string, password: string, address: string): Promise<User> {
    const attempt = await this.loginAttempts.reserve(normalizeEmail(email), address);
    const user = await this.users.findOneBy({ email: attempt.email });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.unknownUserHash()));
    if (user && valid) {
      await this.loginAttempts.recordSuccess(attempt);
      return user;
    }
    await this.loginAttempts.recordFailure(attempt);
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid email or password');
  }

  private unknownUserHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.scrypt);
    return this.dummyHash;
  }

  /** Only if the hash is still the one checked: a password changed meanwhile is not overwritten. */
  private async rehash(user: User, password: string): Promise<void> {
    const passwordHash = await hashPassword(password, this.scrypt);
    await this.tx.run((em) => em.update(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash }));
  }

  async get(userId: string): Promise<User> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw AppError.notFound('User');
    return user;
  }

  /**
   * The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD. An account that already has that email
   * is promoted only if its password is ADMIN_PASSWORD: whoever registered the address first may not
   * be the operator, and promoting them would hand the service to a stranger.
   */
  async onApplicationBootstrap(): Promise<void> {
    const adminEmail = this.config.get('ADMIN_EMAIL');
    const email = adminEmail && normalizeEmail(adminEmail);
    const password = this.config.get('ADMIN_PASSWORD');
    if (!email || !password) return;
    let existing = await this.users.findOneBy({ email });
    if (!existing) {
      try {
        await this.register({ email, password, name: 'Administrator' }, UserRole.Admin);
        this.logger.log(`admin account created: ${email}`);
        return;
      } catch (error) {
        if (!(error instanceof AppError && error.code === ErrorCode.EMAIL_TAKEN)) throw error;
        // Another instance created it at the same moment, or someone registered it: check which.
        existing = await this.users.findOneByOrFail({ email });
      }
    }
    if (existing.role === UserRole.Admin) return;
    if (!(await verifyPassword(password, existing.passwordHash))) {
      throw new Error(
        `ADMIN_EMAIL ${email} belongs to an existing account that is not an admin, and its password is not ADMIN_PASSWORD: ` +
          'someone registered that address first and may not be the operator. The account was not promoted. ' +
          'Set another ADMIN_EMAIL, create the admin with `npm run cli -- create-admin --email <address> --password <password>`, ' +
          'or remove that account, then start again.',
      );
    }
    const { id } = existing;
    await this.tx.run((em) => em.update(User, { id }, { role: UserRole.Admin }));
    this.logger.log(`admin account ready: ${email} (promoted: its password is ADMIN_PASSWORD)`);
  }
}
