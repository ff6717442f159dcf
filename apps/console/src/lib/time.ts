const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "5 days ago", "in 3 hours", "just now"; `Never` when there is no time (seed 000, 001). */
export function relativeTime(iso: string | null, now: Date = new Date(), never = 'Never'): string {
  if (iso === null) return never;
  const diff = new Date(iso).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.trunc(diff / ms), unit);
  }
  return 'just now';
}

/** The exact time, for the hover text: "2026-12-03 07:35:00 UTC". */
export function exactTime(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** A date for tables: "3 Dec 2026". */
export function shortDate(iso: string | null, none = 'Never'): string {
  if (iso === null) return none;
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
