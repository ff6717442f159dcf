import type { RateDecision } from '@latchkey/service-runtime';
import type { Clock } from '../clock';

/** Counts refusals for a caller in the shared window (Redis: every verifier instance adds to it). */
export type RefusalCounter = (caller: string, refusals: number) => Promise<RateDecision>;

/** Refusals of one caller waiting to be counted, and what their count will tell them. */
interface Batch {
  refusals: number;
  overLimit: Promise<boolean>;
  settle: (overLimit: boolean) => void;
}

/** One caller's counting: the batch being sent, and the batch gathering while it is. */
interface Counting {
  sending: boolean;
  next: Batch | null;
}

/** Verification callers currently over their refusal limit, remembered here; bounded in entries. */
const MAX_BLOCKED_CALLERS = 10_000;

/**
 * Only refusals count: a caller whose refusals exceed the limit is blocked until its window ends. While
 * blocked, the caller may still verify tokens the cache already knows as valid; anything else (a
 * refusal, or a lookup that would reach Postgres) answers 429. Legitimate traffic — valid tokens — is
 * therefore never throttled, and a flood of random tokens costs no Postgres reads once blocked.
 * Valid verdicts cost nothing here: the block is checked in memory. Refusals given to one caller while
 * its previous count is on its way to Redis are counted together in the next round trip, so a flood
 * costs one Redis call per round trip and caller, not one per refusal.
 */
export class RefusalLimiter {
  /** caller → blocked until (ms since epoch). */
  private readonly blocked = new Map<string, number>();
  /** Callers with refusals being counted; an entry lives only while its count is in flight. */
  private readonly counting = new Map<string, Counting>();

  constructor(
    private readonly count: RefusalCounter,
    private readonly clock: Clock,
  ) {}

  /** Seconds the caller stays blocked, or 0 when it is not. */
  blockedFor(caller: string): number {
    const until = this.blocked.get(caller);
    if (until === undefined) return 0;
    const left = until - this.clock().getTime();
    if (left <= 0) {
      this.blocked.delete(caller);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  /** Counts a refusal given to the caller; true once the caller is over its limit. */
  refused(caller: string): Promise<boolean> {
    let counting = this.counting.get(caller);
    if (counting === undefined) {
      counting = { sending: false, next: null };
      this.counting.set(caller, counting);
    }
    counting.next ??= newBatch();
    counting.next.refusals += 1;
    const { overLimit } = counting.next;
    if (!counting.sending) void this.send(caller, counting);
    return overLimit;
  }

  /** Sends the gathered batch, then the one gathered meanwhile, until none is left. */
  private async send(caller: string, counting: Counting): Promise<void> {
    counting.sending = true;
    while (counting.next !== null) {
      const batch = counting.next;
      counting.next = null;
      let overLimit = false;
      try {
        const decision = await this.count(caller, batch.refusals);
        overLimit = !decision.allowed;
        if (overLimit) this.block(caller, decision.retryAfterSeconds);
      } catch {
        // A count that cannot be taken lets the refusals through, as the limiter does when Redis is down;
        // it must never leave a request waiting.
      }
      batch.settle(overLimit);
    }
    counting.sending = false;
    this.counting.delete(caller);
  }

  private block(caller: string, seconds: number): void {
    this.blocked.delete(caller);
    this.blocked.set(caller, this.clock().getTime() + seconds * 1000);
    if (this.blocked.size > MAX_BLOCKED_CALLERS) {
      this.blocked.delete(this.blocked.keys().next().value as string);
    }
  }
}

function newBatch(): Batch {
  let settle: (overLimit: boolean) => void = () => undefined;
  const overLimit = new Promise<boolean>((resolve) => (settle = resolve));
  return { refusals: 0, overLimit, settle };
}

export const REFUSAL_LIMITER = Symbol('REFUSAL_LIMITER');

/** `ipv4:10.0.0.7:51234` / `ipv6:[::1]:51234` (a gRPC peer) → the address without the port. */
export function grpcPeerAddress(peer: string | undefined): string {
  if (!peer) return 'unknown';
  const withoutScheme = peer.replace(/^(ipv4|ipv6|unix):/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(withoutScheme);
  if (bracketed) return bracketed[1];
  const hostPort = /^([^:]+):\d+$/.exec(withoutScheme);
  return hostPort ? hostPort[1] : withoutScheme;
}
