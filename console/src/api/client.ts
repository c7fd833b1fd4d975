import createClient from 'openapi-fetch';
import { clearSession, readSession } from '../session';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Fired when the server no longer accepts the session (401): the app returns to sign-in. */
export const SESSION_ENDED = 'token-metering:session-ended';

/** The service's API, typed from its OpenAPI document; every call carries the session's access token. */
export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const session = readSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.accessToken}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && readSession()) {
      clearSession();
      window.dispatchEvent(new Event(SESSION_ENDED));
    }
    return response;
  },
});

/** An error answer of the API, with what the contract's error body says. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

/** The data of an openapi-fetch result, or its error as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  const body = (result.error ?? {}) as Record<string, unknown>;
  const retryAfter = Number(result.response.headers.get('Retry-After'));
  throw new ApiError(
    result.response.status,
    typeof body.code === 'string' ? body.code : 'HTTP_' + result.response.status,
    typeof body.message === 'string' ? body.message : result.response.statusText,
    body,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}
