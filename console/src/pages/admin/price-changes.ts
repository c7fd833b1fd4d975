import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { Refusal } from '../../errors';
import { formatTokens } from '../../format';
import { strings } from '../../strings';

const t = strings.admin.prices;
type Override = Schemas['PriceOverrideDto'];

/** Whose price an override sets: everyone's, a plan's or a user's (with the user's plan, whose price they pay otherwise). */
export interface Target {
  planCode: string | null;
  user: { id: string; email: string; plan: string | null } | null;
}

/** A price change waiting for confirmation, said as the confirmation says it. */
export interface PriceChange {
  kind: 'set' | 'remove';
  action: string;
  from: number;
  to: number;
  target: Target;
}

const sameTarget = (override: Override, target: Target): boolean =>
  target.user ? override.userId === target.user.id : target.planCode ? override.planCode === target.planCode : override.scope === 'global';

/** The override set exactly for this target, if any. */
export const overrideFor = (overrides: Override[], action: string, target: Target): Override | undefined =>
  overrides.find((override) => override.action === action && sameTarget(override, target));

/** What the target pays for the action under these overrides: the most specific wins (user, plan, global, default). */
export function effectivePrice(overrides: Override[], action: string, defaultCost: number, target: Target): number {
  const ofAction = overrides.filter((override) => override.action === action);
  const plan = target.user ? target.user.plan : target.planCode;
  const user = target.user;
  const winner =
    (user ? ofAction.find((override) => override.userId === user.id) : undefined) ??
    (plan ? ofAction.find((override) => override.planCode === plan) : undefined) ??
    ofAction.find((override) => override.scope === 'global');
  return winner?.cost ?? defaultCost;
}

export const scopeText = (target: Target): string =>
  target.user ? t.forUser(target.user.email) : target.planCode ? t.forPlan(target.planCode) : t.forEveryone;

export const question = (change: PriceChange): string =>
  (change.kind === 'set' ? t.setConfirm : t.removeConfirm)(
    change.action,
    formatTokens(change.from),
    formatTokens(change.to),
    scopeText(change.target),
  );

/** The user an override names, with their plan; a refusal when there is no such user. */
export async function userTarget(userId: string): Promise<Target['user']> {
  try {
    const user = unwrap(await api.GET('/admin/users/{userId}', { params: { path: { userId } } }));
    return { id: user.id, email: user.email, plan: user.subscription?.plan.code ?? null };
  } catch (caught) {
    if (caught instanceof ApiError && (caught.status === 404 || caught.status === 400)) throw new Refusal(t.unknownUser);
    throw caught;
  }
}

/** Sends a confirmed change: PUT sets the override, DELETE removes it (the next most specific price applies). */
export async function sendPriceChange(change: PriceChange): Promise<void> {
  const { action, target } = change;
  const scope = { ...(target.planCode && { planCode: target.planCode }), ...(target.user && { userId: target.user.id }) };
  if (change.kind === 'set') {
    unwrap(await api.PUT('/admin/costs/{action}', { params: { path: { action } }, body: { cost: change.to, ...scope } }));
  } else {
    unwrap(await api.DELETE('/admin/costs/{action}', { params: { path: { action }, query: scope } }));
  }
}
