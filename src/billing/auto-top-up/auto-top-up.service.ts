import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock, isUniqueViolation, TransactionRunner } from '@token-metering/database';
import { AppError, ErrorCode } from '../../common/app-error.js';
import { AutoTopUpSettingDto, type AutoTopUpDto } from '../dto/auto-top-up.dto.js';
import { TokenPackage } from '../token-package.entity.js';
import { AutoTopUpSetting, monthOf } from './auto-top-up.entity.js';
import { AutoTopUpGate } from './auto-top-up.gate.js';
import { BillingCustomers } from './billing-customers.js';

/** GET and PUT /billing/auto-top-up. Changing the setting keeps the attempt in flight and the month's spend. */
@Injectable()
export class AutoTopUpService {
  constructor(
    @InjectRepository(TokenPackage) private readonly packages: Repository<TokenPackage>,
    private readonly customers: BillingCustomers,
    private readonly gate: AutoTopUpGate,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async get(userId: string): Promise<AutoTopUpSettingDto> {
    const setting = await this.tx.manager.findOneBy(AutoTopUpSetting, { userId });
    const card = await this.customers.savedCardOf(userId);
    return AutoTopUpSettingDto.from(setting, monthOf(this.clock.now()), card !== null);
  }

  async put(userId: string, body: AutoTopUpDto): Promise<AutoTopUpSettingDto> {
    const pkg = await this.packages.findOneBy({ code: body.packageCode, active: true });
    if (!pkg) throw invalid('packageCode', 'packageCode must be the code of an active package (GET /billing/packages)');
    if (body.monthlyLimitCents < pkg.priceCents) {
      throw invalid(
        'monthlyLimitCents',
        `monthlyLimitCents must be at least the package's price (${pkg.priceCents}), or no top-up could be bought`,
      );
    }
    if (!(await this.customers.savedCardOf(userId))) {
      throw new AppError(ErrorCode.NO_PAYMENT_METHOD, 'Automatic top-up needs a saved card: buy a package with saveCard: true first');
    }
    const values = {
      enabled: body.enabled,
      thresholdTokens: body.thresholdTokens,
      packageCode: pkg.code,
      monthlyLimitCents: body.monthlyLimitCents,
      updatedAt: this.clock.now(),
    };
    const store = () =>
      this.tx.run(async (em) => {
        if (await em.existsBy(AutoTopUpSetting, { userId })) await em.update(AutoTopUpSetting, { userId }, values);
        else await em.insert(AutoTopUpSetting, { userId, ...values, spentMonth: null, spentCents: 0, inFlightPurchaseId: null });
      });
    // Two first settings at once: the second insert finds the first's row and updates it instead.
    try {
      await store();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await store();
    }
    const { code, tokens, priceCents, currency } = pkg;
    this.gate.set(userId, body.enabled ? { thresholdTokens: body.thresholdTokens, pkg: { code, tokens, priceCents, currency } } : null);
    return this.get(userId);
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: [{ field, errors: [message] }] });
}
