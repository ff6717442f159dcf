import { DomainError } from '@latchkey/service-runtime';
import type { CountRow, Granularity } from './verification-counts.repository';

/*
 * Ranges and series of the usage endpoints, without I/O: buckets are UTC minutes, hours and days.
 */

export const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** The most buckets one request may ask for: a day of minutes, a month of hours, two years of days. */
export const MAX_BUCKETS: Record<Granularity, number> = { minute: 1440, hour: 744, day: 731 };
/** The range asked without `from`: an hour of minutes, a day of hours, 30 days. */
const DEFAULT_BUCKETS: Record<Granularity, number> = { minute: 60, hour: 24, day: 30 };

export interface UsageRange {
  granularity: Granularity;
  from: Date;
  to: Date;
}

/** The range asked, aligned to whole buckets; 400 USAGE_RANGE_INVALID when it is empty or too long. */
export function usageRange(
  query: { from?: string; to?: string; granularity: Granularity },
  now: Date,
): UsageRange {
  const { granularity } = query;
  const size = BUCKET_MS[granularity];
  const to = ceilTo(query.to === undefined ? now.getTime() + 1 : Date.parse(query.to), size);
  const from = floorTo(
    query.from === undefined ? to - DEFAULT_BUCKETS[granularity] * size : Date.parse(query.from),
    size,
  );
  if (!(from < to)) {
    throw new DomainError('USAGE_RANGE_INVALID', 400, '`from` must be before `to`.', { from, to });
  }
  const buckets = (to - from) / size;
  if (buckets > MAX_BUCKETS[granularity]) {
    throw new DomainError(
      'USAGE_RANGE_INVALID',
      400,
      `A range of ${granularity} buckets holds at most ${MAX_BUCKETS[granularity]} of them; this one holds ${buckets}. ` +
        'Ask for a shorter range or a coarser granularity.',
      { maxBuckets: MAX_BUCKETS[granularity], buckets },
    );
  }
  return { granularity, from: new Date(from), to: new Date(to) };
}

export interface VerdictTotals {
  total: number;
  ok: number;
  refused: number;
  byReason: Record<string, number>;
}

export type UsageBucket = VerdictTotals & { start: string };

/** Every bucket of the range, zeros included, from the rows that have counts. */
export function denseSeries(range: UsageRange, rows: readonly CountRow[]): UsageBucket[] {
  const size = BUCKET_MS[range.granularity];
  const buckets: UsageBucket[] = [];
  const at = new Map<number, UsageBucket>();
  for (let start = range.from.getTime(); start < range.to.getTime(); start += size) {
    const bucket = { start: new Date(start).toISOString(), ...emptyTotals() };
    buckets.push(bucket);
    at.set(start, bucket);
  }
  for (const row of rows) {
    const bucket = at.get(new Date(row.bucket).getTime());
    if (bucket !== undefined) addTo(bucket, row.reason, row.count);
  }
  return buckets;
}

export function totalsOf(buckets: readonly VerdictTotals[]): VerdictTotals {
  const totals = emptyTotals();
  for (const bucket of buckets) {
    for (const [reason, count] of Object.entries(bucket.byReason)) addTo(totals, reason, count);
  }
  return totals;
}

function emptyTotals(): VerdictTotals {
  return { total: 0, ok: 0, refused: 0, byReason: {} };
}

function addTo(totals: VerdictTotals, reason: string, count: number): void {
  totals.total += count;
  if (reason === 'OK') totals.ok += count;
  else totals.refused += count;
  totals.byReason[reason] = (totals.byReason[reason] ?? 0) + count;
}

function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}

function ceilTo(ms: number, size: number): number {
  return Math.ceil(ms / size) * size;
}
