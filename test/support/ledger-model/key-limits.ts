/**
 * Steps of the ledger model test through each account's API key: charges that also count against the
 * key's spending limit (refused with 402 KEY_LIMIT_REACHED, nothing taken, when they would pass it;
 * a failed request's refund gives back), and the limit set, changed and removed.
 */
import {
  type Account,
  balanceOf,
  charge,
  clock,
  type KeyLimitModel,
  keyPeriodStart,
  keySpentNow,
  type Model,
  type Real,
  Step,
} from './model.js';

/** Metered routes charged through the key, with their price; `failing` is refunded after its charge. */
export const KEY_ROUTES = {
  chat: { path: '/services/chat', body: { message: 'model' }, cost: 1 },
  post: { path: '/services/social-posts', body: { text: 'Token metering, modelled', platforms: ['linkedin'] }, cost: 10 },
  failing: { path: '/model/fails', body: {}, cost: 7 },
} as const;
export type KeyRouteName = keyof typeof KEY_ROUTES;

export class KeyChargeCommand extends Step {
  constructor(
    readonly who: number,
    readonly route: KeyRouteName,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const { path, body, cost } = KEY_ROUTES[this.route];
    const response = await real.t.http.post(path, body, { apiKey: account.apiKey.key });
    const { limit } = account.apiKey;
    if (limit && keySpentNow(limit) + cost > limit.tokens) {
      expect(response.status).toBe(402);
      return expect(response.body).toMatchObject({
        code: 'KEY_LIMIT_REACHED',
        limit: limit.tokens,
        spent: keySpentNow(limit),
        required: cost,
      });
    }
    if (this.route === 'failing') {
      // Charged, the handler fails, refunded: the balance and the key's spend end where they were.
      return expect(response.status).toBe(balanceOf(account) >= cost ? 502 : 402);
    }
    const charged = charge(account, cost);
    expect(response.status).toBe(charged ? 201 : 402);
    if (!charged) return expect(response.body).toMatchObject({ code: 'INSUFFICIENT_TOKENS', balance: balanceOf(account) });
    if (limit) count(limit, cost);
  }
  override toString(): string {
    return `keyCharge(${this.who}, ${this.route})`;
  }
}

/** Sets the key's limit (`tokens` null: removes it); a changed limit keeps what was spent in its current period. */
export class SetKeyLimitCommand extends Step {
  constructor(
    readonly who: number,
    readonly tokens: number | null,
    readonly period: KeyLimitModel['period'],
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account: Account = model.accounts[this.who];
    const body = this.tokens === null ? null : { tokens: this.tokens, period: this.period };
    const response = await real.t.http.put(`/api-keys/${account.apiKey.id}/limit`, body, { token: account.user.token });
    expect(response.status).toBe(200);
    const before = account.apiKey.limit;
    account.apiKey.limit =
      this.tokens === null
        ? null
        : {
            tokens: this.tokens,
            period: this.period,
            spent: before ? keySpentNow(before) : 0,
            periodStart: keyPeriodStart(this.period, clock.now()),
          };
  }
  override toString(): string {
    return this.tokens === null ? `removeKeyLimit(${this.who})` : `keyLimit(${this.who}, ${this.tokens}, ${this.period})`;
  }
}

/** A debit through the key counted in its limit's current period (an ended one starts over). */
function count(limit: KeyLimitModel, cost: number): void {
  const start = keyPeriodStart(limit.period, clock.now());
  if (start > limit.periodStart) Object.assign(limit, { spent: 0, periodStart: start });
  limit.spent += cost;
}
