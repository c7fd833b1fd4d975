/** Numbers and dates in the reader's locale and time zone. */
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export const formatTokens = (value: number): string => integer.format(value);
export const formatDecimal = (value: number): string => decimal.format(value);
/** Signed amounts: a credit gets its plus sign, a spend its minus. */
export const formatSigned = (value: number): string => (value > 0 ? '+' : value < 0 ? '\u2212' : '') + integer.format(Math.abs(value));
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));
export const formatDate = (iso: string): string => date.format(new Date(iso));
/** A UTC day of the usage series (its buckets are UTC days, so they are labelled as such). */
export const formatDay = (iso: string): string => day.format(new Date(iso));

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

/** CSS class of a signed amount: spend and credit are coloured the same way everywhere. */
export const amountClass = (value: number): string => (value < 0 ? 'amount spend' : value > 0 ? 'amount credit' : 'amount');
