import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of the exact body bytes: what the receiver recomputes to check `X-Signature`. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  body: string;
  attempt: number;
}

/** `delivered` on a 2xx answer; otherwise what went wrong, in a few words. */
export type WebhookOutcome = { delivered: true } | { delivered: false; error: string };

/** One signed POST of an event's body; never throws. Redirects are not followed (a 3xx is a failure). */
export async function postWebhook(request: WebhookRequest, timeoutMs: number, stop: AbortSignal): Promise<WebhookOutcome> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'token-metering-api-webhooks',
        'X-Webhook-Id': request.eventId,
        'X-Webhook-Attempt': String(request.attempt),
        'X-Signature': signWebhookBody(request.body, request.secret),
      },
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { delivered: true } : { delivered: false, error: `HTTP ${response.status}` };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { delivered: false, error: `no answer within ${timeoutMs} ms` };
    return { delivered: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return (cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)).slice(0, 200);
}
