/**
 * A new Idempotency-Key: one per submitted form, so a double click or a retry of that submission
 * applies once. crypto.randomUUID needs a secure context; getRandomValues works everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
