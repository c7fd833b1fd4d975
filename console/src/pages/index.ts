/**
 * The console's pages. The app serves index.html at each of these paths (src/console), so none may be a
 * path of the API: the admin pages avoid /admin/users, /admin/costs, /admin/models and /admin/tokens, and
 * the alerts page is not /alerts.
 */
export const PAGES = {
  overview: '/',
  signIn: '/sign-in',
  register: '/register',
  activity: '/activity',
  buy: '/buy',
  buyResult: '/buy/result',
  keys: '/keys',
  alerts: '/settings/alerts',
  adminUsers: '/admin',
  adminAccount: '/admin/accounts/:userId',
  adminPrices: '/admin/prices',
  adminModels: '/admin/ai-models',
  adminIntegrity: '/admin/integrity',
} as const;

export const adminAccountPath = (userId: string): string => PAGES.adminAccount.replace(':userId', encodeURIComponent(userId));
