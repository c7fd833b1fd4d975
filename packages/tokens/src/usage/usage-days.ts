/** UTC days as `YYYY-MM-DD` strings: they compare, sort and key maps as they are. */
export const DAY_MS = 24 * 3600 * 1000;

/** The UTC day of `time`. */
export const dayOf = (time: Date): string => time.toISOString().slice(0, 10);

/** The first instant of `day`. */
export const startOf = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

export const addDays = (day: string, days: number): string => dayOf(new Date(startOf(day).getTime() + days * DAY_MS));

/** How many days from `from` to `to` (negative when `to` is earlier). */
export const daysFrom = (from: string, to: string): number => Math.round((startOf(to).getTime() - startOf(from).getTime()) / DAY_MS);

/** Every day in `[from, until)`. */
export function daysIn(from: string, until: string): string[] {
  const days: string[] = [];
  for (let day = from; day < until; day = addDays(day, 1)) days.push(day);
  return days;
}

/** A DATE column as a driver returns it (a string, or a Date at UTC midnight with the `Z` time zone). */
export const dayValue = (value: unknown): string => (value instanceof Date ? dayOf(value) : String(value).slice(0, 10));
