import { api, unwrap } from './client';

/** Queries more than one page reads; a change (a purchase, a charge) invalidates them by key. */
export const balanceQuery = { queryKey: ['balance'], queryFn: async () => unwrap(await api.GET('/tokens/balance')) };
export const pricesQuery = { queryKey: ['prices'], queryFn: async () => unwrap(await api.GET('/tokens/costs')) };
/**
 * The lines of a price list that are metered actions: an AI model's prices are lines too
 * (`ai_completion:<model>:input`, per 1,000 model tokens), set on the model rather than as an action's price.
 */
export const actionPrices = <T extends { action: string }>(prices: T[]): T[] => prices.filter((price) => !price.action.includes(':'));
export const plansQuery = { queryKey: ['plans'], queryFn: async () => unwrap(await api.GET('/plans')), staleTime: 60_000 };

/** Admin views of one user: their profile and balance, and their ledger (keyed under it, so one invalidation refreshes both). */
export const adminUserKey = (userId: string) => ['admin-user', userId] as const;
export const adminUserQuery = (userId: string) => ({
  queryKey: adminUserKey(userId),
  queryFn: async () => unwrap(await api.GET('/admin/users/{userId}', { params: { path: { userId } } })),
});
