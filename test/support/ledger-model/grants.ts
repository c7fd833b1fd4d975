/**
 * Promotional grants in the ledger model: granted with an expiry and a priority, spent after the
 * allowance in spending order (model.ts), and what is left of them removed once their time has come.
 */
import { clock, DAY, type Model, type Real, Step } from './model.js';

export class PromotionalGrantCommand extends Step {
  constructor(
    readonly who: number,
    readonly amount: number,
    readonly priority: number,
    readonly days: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const expiresAt = clock.now().getTime() + this.days * DAY;
    const response = await real.t.http.post(
      `/admin/users/${account.user.id}/tokens/grant`,
      { amount: this.amount, reason: 'model promotion', expiresAt: new Date(expiresAt).toISOString(), priority: this.priority },
      { token: real.adminToken },
    );
    expect(response.status).toBe(201);
    // What the account owes is repaid from the grant first.
    const repaid = Math.min(account.owed, this.amount);
    account.owed -= repaid;
    account.credits += this.amount - repaid;
    account.grants.push({
      id: response.body.metadata.grantId,
      amount: this.amount,
      remaining: this.amount - repaid,
      priority: this.priority,
      expiresAt,
    });
  }
  override toString(): string {
    return `promotion(${this.who}, ${this.amount}, priority ${this.priority}, ${this.days} days)`;
  }
}
