import { api, unwrap } from './client';

/** Queries more than one page reads; a change (a purchase, a charge) invalidates them by key. */
export const balanceQuery = { queryKey: ['balance'], queryFn: async () => unwrap(await api.GET('/tokens/balance')) };
export const pricesQuery = { queryKey: ['prices'], queryFn: async () => unwrap(await api.GET('/tokens/costs')) };
