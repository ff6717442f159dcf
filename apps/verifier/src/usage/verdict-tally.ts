import { VerifyReason } from '@latchkey/contracts';

/*
 * The in-memory counts behind usage summaries, shaped for the verify hot path: recording a verdict is a
 * Map lookup for the token, one for the caller and an array increment; objects are allocated only for a
 * token's first verdict of an interval, its first verdict of a minute and a caller's first verdict of a
 * minute.
 */

/** Every reason the verifier gives, in a fixed order: a reason's counter is its index here. */
export const TALLIED_REASONS: readonly string[] = Object.values(VerifyReason);
const REASON_INDEX = new Map<string, number>(TALLIED_REASONS.map((reason, index) => [reason, index]));
const OK: string = VerifyReason.Ok;

/** The caller key of verdicts whose caller gave no name. */
export const NO_CALLER = '';
/**
 * Where a token's verdicts go once it has had `maxCallersPerMinute` named callers in one minute: not a
 * valid caller name (they start with a letter or digit), so it can never be mistaken for one.
 */
export const OTHER_CALLERS = '(other)';

export const MINUTE_MS = 60_000;

/** One token's verdicts since the last flush. */
export interface TokenTally {
  tenantId: string;
  /** Successful verifications (TokenUsed). */
  okCount: number;
  /** Epoch milliseconds of the latest successful one; 0 when none. */
  lastOkAt: number;
  /** Epoch minute (ms / 60 000) → caller key → counts by reason index. */
  minutes: Map<number, Map<string, Uint32Array>>;
  /** The minute last recorded into, and its callers: most verdicts land in the same minute as the last. */
  minute: number;
  callers: Map<string, Uint32Array>;
}

/** One (minute, reason, caller) cell of a token's tally, as a summary carries it. */
export interface TallyCell {
  minute: string;
  reason: string;
  caller: string | null;
  count: number;
}

export function newTally(tenantId: string): TokenTally {
  return { tenantId, okCount: 0, lastOkAt: 0, minutes: new Map(), minute: -1, callers: new Map() };
}

/** Adds one verdict; `analytics` off keeps only the TokenUsed figures. */
export function tallyVerdict(
  tally: TokenTally,
  at: number,
  reason: string,
  caller: string | undefined,
  analytics: boolean,
  maxCallersPerMinute: number,
): void {
  if (reason === OK) {
    tally.okCount += 1;
    if (at > tally.lastOkAt) tally.lastOkAt = at;
  }
  if (!analytics) return;
  const minute = Math.floor(at / MINUTE_MS);
  if (minute !== tally.minute) turnTo(tally, minute);
  const key = caller ?? NO_CALLER;
  let counts = tally.callers.get(key);
  if (counts === undefined) counts = addCaller(tally.callers, key, maxCallersPerMinute);
  const index = REASON_INDEX.get(reason);
  // A reason this build does not know cannot occur (the service gives only VerifyReason values).
  if (index !== undefined) counts[index] += 1;
}

function turnTo(tally: TokenTally, minute: number): void {
  let callers = tally.minutes.get(minute);
  if (callers === undefined) {
    callers = new Map();
    tally.minutes.set(minute, callers);
  }
  tally.minute = minute;
  tally.callers = callers;
}

function addCaller(callers: Map<string, Uint32Array>, key: string, maxCallers: number): Uint32Array {
  // The unnamed and the overflow keys do not count against the bound.
  const named = callers.size - (callers.has(NO_CALLER) ? 1 : 0) - (callers.has(OTHER_CALLERS) ? 1 : 0);
  const bucket = key === NO_CALLER || named < maxCallers ? key : OTHER_CALLERS;
  let counts = callers.get(bucket);
  if (counts === undefined) {
    counts = new Uint32Array(TALLIED_REASONS.length);
    callers.set(bucket, counts);
  }
  return counts;
}

/** The tally's cells with a count, oldest minute first. */
export function cellsOf(tally: TokenTally): TallyCell[] {
  const cells: TallyCell[] = [];
  const minutes = [...tally.minutes.keys()].sort((a, b) => a - b);
  for (const minute of minutes) {
    const at = new Date(minute * MINUTE_MS).toISOString();
    for (const [caller, counts] of tally.minutes.get(minute) ?? []) {
      counts.forEach((count, index) => {
        if (count > 0) {
          cells.push({ minute: at, reason: TALLIED_REASONS[index], caller: caller || null, count });
        }
      });
    }
  }
  return cells;
}

/** Verdicts counted in the tally (TokenUsed's figures when analytics are off). */
export function verdictsIn(tally: TokenTally): number {
  let total = 0;
  for (const callers of tally.minutes.values()) {
    for (const counts of callers.values()) for (const count of counts) total += count;
  }
  return Math.max(total, tally.okCount);
}
