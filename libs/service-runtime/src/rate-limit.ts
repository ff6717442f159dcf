import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { z } from 'zod';
import { DomainError } from './problem-details';

/** At most `limit` hits per `windowMs` for one key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  /** Whole seconds until the window ends (at least 1): what `Retry-After` says. */
  retryAfterSeconds: number;
}

/** Counts ARGV[2] hits and returns the count and the window's remaining lifetime, atomically. */
const HIT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if count == tonumber(ARGV[2]) or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const HIT_SCRIPT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/**
 * A fixed-window limiter on the shared Redis: one key per (bucket, caller) and window, counted with
 * INCR and given its lifetime in the same script, so every instance of a service shares the count and
 * a key never outlives its window. A Redis that cannot be reached lets the hit through (and logs it):
 * limits protect the service, they must not take it down.
 */
export class RedisRateLimiter {
  private readonly logger = new Logger('RateLimiter');

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Counts `hits` (default one) for the caller; the decision covers them all. */
  async hit(bucket: string, caller: string, rule: RateLimit, hits = 1): Promise<RateDecision> {
    try {
      const [count, ttlMs] = await this.run(
        `${this.keyPrefix}ratelimit:${bucket}:${caller}`,
        String(rule.windowMs),
        String(hits),
      );
      return {
        allowed: count <= rule.limit,
        count,
        retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      };
    } catch (error) {
      this.logger.warn(
        `rate limit ${bucket} not checked, letting the request through: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { allowed: true, count: 0, retryAfterSeconds: 1 };
    }
  }

  /** The script by its hash (the text is sent only when Redis does not know it yet). */
  private async run(key: string, windowMs: string, hits: string): Promise<[number, number]> {
    try {
      return (await this.redis.evalsha(HIT_SCRIPT_SHA, 1, key, windowMs, hits)) as [number, number];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.redis.eval(HIT_SCRIPT, 1, key, windowMs, hits)) as [number, number];
    }
  }
}

/** 429 problem+json; the filter adds `Retry-After` from `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    detail = 'Too many requests from this caller. Wait before trying again (see Retry-After).',
  ) {
    super('RATE_LIMITED', 429, detail, { retryAfterSeconds });
    this.name = 'RateLimitedError';
  }
}

/**
 * `LIMIT/WINDOW`, e.g. `30/60s`, `600/1m`, `5/1000ms`: at most LIMIT requests per WINDOW.
 * Units: ms, s, m, h.
 */
export function parseRateLimit(text: string): RateLimit {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not LIMIT/WINDOW, e.g. 30/60s`);
  const limit = Number(match[1]);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[3] as 'ms' | 's' | 'm' | 'h'];
  const windowMs = Number(match[2]) * unit;
  if (limit < 1 || windowMs < 1) throw new Error(`"${text}" needs a limit and a window of at least 1`);
  return { limit, windowMs };
}

/** A config field holding a rate limit (`LIMIT/WINDOW`). */
export function rateLimitSetting(fallback: string, what: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseRateLimit(text);
      } catch (error) {
        ctx.addIssue((error as Error).message);
        return z.NEVER;
      }
    })
    .describe(`${what} (LIMIT/WINDOW, e.g. ${fallback})`);
}

/**
 * Express's `trust proxy`: off (`false`, the default: the client is the TCP peer), `true` (trust every
 * proxy — only behind one you control), a hop count, or a comma-separated list of addresses/subnets
 * (`loopback`, `10.0.0.0/8`) whose `X-Forwarded-For` is believed.
 */
export function trustProxySetting() {
  return z
    .string()
    .default('false')
    .transform((text): boolean | number | string => {
      const value = text.trim();
      if (value === 'false' || value === '') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      return value;
    })
    .describe(
      'whose X-Forwarded-For to believe for the caller address of rate limits: false (default), true, a hop count, or addresses/subnets',
    );
}
