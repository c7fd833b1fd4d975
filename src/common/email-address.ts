/**
 * The one form in which an email address is stored and compared: Unicode NFKC (fullwidth and other
 * compatibility characters become their plain forms), trimmed, lower case. Everything else about an
 * address, accents included, is significant: `vîctim@x.test` is not `victim@x.test`.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** class-transformer hook for an email field: normalized before it is validated, so the checks see what is stored. */
export const toNormalEmail = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? normalizeEmail(value) : value);
