import type { RateDecision } from '@latchkey/service-runtime';
import type { Clock } from '../clock';

/** Counts one refusal for a caller in the shared window (Redis: every verifier instance adds to it). */
export type RefusalCounter = (caller: string) => Promise<RateDecision>;

/** Verification callers currently over their refusal limit, remembered here; bounded in entries. */
const MAX_BLOCKED_CALLERS = 10_000;

/**
 * Only refusals count: a caller whose refusals exceed the limit is blocked until its window ends. While
 * blocked, the caller may still verify tokens the cache already knows as valid; anything else (a
 * refusal, or a lookup that would reach Postgres) answers 429. Legitimate traffic — valid tokens — is
 * therefore never throttled, and a flood of random tokens costs no Postgres reads once blocked.
 * Valid verdicts cost nothing here: the block is checked in memory.
 */
export class RefusalLimiter {
  /** caller → blocked until (ms since epoch). */
  private readonly blocked = new Map<string, number>();

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
  async refused(caller: string): Promise<boolean> {
    const decision = await this.count(caller);
    if (decision.allowed) return false;
    this.blocked.delete(caller);
    this.blocked.set(caller, this.clock().getTime() + decision.retryAfterSeconds * 1000);
    if (this.blocked.size > MAX_BLOCKED_CALLERS) {
      this.blocked.delete(this.blocked.keys().next().value as string);
    }
    return true;
  }
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
