import { MigrationInterface, QueryRunner } from 'typeorm';

/** The default plan catalog. Paid plans carry over up to one month of tokens; free keeps nothing. */
const PLANS = [
  { code: 'free', name: 'Free', monthlyTokens: 100, priceCents: 0, rolloverCap: 0, isDefault: true },
  { code: 'starter', name: 'Starter', monthlyTokens: 10_000, priceCents: 1_900, rolloverCap: 10_000, isDefault: false },
  { code: 'pro', name: 'Pro', monthlyTokens: 200_000, priceCents: 9_900, rolloverCap: 200_000, isDefault: false },
  { code: 'professional', name: 'Professional', monthlyTokens: 2_000_000, priceCents: 49_900, rolloverCap: 2_000_000, isDefault: false },
];

export class SeedPlans1763700000001 implements MigrationInterface {
  name = 'SeedPlans1763700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const plan of PLANS) {
      await queryRunner.query(
        'INSERT INTO plans (code, name, monthly_tokens, price_cents, rollover_cap, is_default) VALUES (?, ?, ?, ?, ?, ?)',
        [plan.code, plan.name, plan.monthlyTokens, plan.priceCents, plan.rolloverCap, plan.isDefault],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM plans WHERE code IN (${PLANS.map(() => '?').join(', ')})`,
      PLANS.map((p) => p.code),
    );
  }
}
