import { EventType, type LatchkeyEvent } from './events';

/*
 * What a consumer checks of an event that parsed, before it believes it. Anyone who can write to a topic
 * can put any envelope there: with SASL and per-service ACLs on the broker (docs/architecture.md), the
 * `source` of each event type names the only service allowed to write it; timestamps from the future are
 * pulled back to the consumer's clock (plus a small skew); counts are bounded.
 */

/** The `source` of each service's events. */
export const EVENT_SOURCES = {
  issuer: 'latchkey/issuer',
  verifier: 'latchkey/verifier',
} as const;

/** The one service allowed to emit each event type. */
export const EVENT_SOURCE_OF: Readonly<Record<EventType, string>> = Object.freeze({
  [EventType.TokenCreated]: EVENT_SOURCES.issuer,
  [EventType.TokenRevoked]: EVENT_SOURCES.issuer,
  [EventType.TokenUpdated]: EVENT_SOURCES.issuer,
  [EventType.TokenRenewed]: EVENT_SOURCES.issuer,
  [EventType.MemberRoleChanged]: EVENT_SOURCES.issuer,
  [EventType.MemberRemoved]: EVENT_SOURCES.issuer,
  [EventType.TenantPolicyChanged]: EVENT_SOURCES.issuer,
  [EventType.TokenRevealed]: EVENT_SOURCES.issuer,
  [EventType.TokenExpiring]: EVENT_SOURCES.issuer,
  [EventType.TokenIdleWarning]: EVENT_SOURCES.issuer,
  [EventType.TokenUsed]: EVENT_SOURCES.verifier,
  [EventType.TokenVerificationsCounted]: EVENT_SOURCES.verifier,
});

export interface EventTrustLimits {
  /** Timestamps later than now plus this are set to now plus this. */
  maxClockSkewMs: number;
  /** A TokenUsed summary counting more verifications than this is refused. */
  maxUsageCount: number;
}

export const DEFAULT_EVENT_TRUST_LIMITS: EventTrustLimits = Object.freeze({
  maxClockSkewMs: 60_000,
  maxUsageCount: 1_000_000,
});

export type EventTrustResult =
  { ok: true; event: LatchkeyEvent; clamped: string[] } | { ok: false; reason: string };

/**
 * Refuses an event from the wrong source or with an unbounded count; returns it with every moment it
 * reports (its `time`, when a token was created, revoked, last used) clamped to `now` plus the skew.
 * Times that are meant to lie ahead (expiries, renewal due times) are left as they are.
 */
export function checkEventTrust(
  event: LatchkeyEvent,
  now: Date,
  limits: EventTrustLimits = DEFAULT_EVENT_TRUST_LIMITS,
): EventTrustResult {
  const allowed = EVENT_SOURCE_OF[event.type];
  if (event.source !== allowed) {
    return { ok: false, reason: `source ${JSON.stringify(event.source)} may not emit ${event.type}` };
  }
  if (event.type === EventType.TokenUsed && event.data.count > limits.maxUsageCount) {
    return {
      ok: false,
      reason: `usage count ${event.data.count} exceeds the bound of ${limits.maxUsageCount} per summary`,
    };
  }
  if (event.type === EventType.TokenVerificationsCounted) {
    const total = event.data.counts.reduce((sum, cell) => sum + cell.count, 0);
    if (total > limits.maxUsageCount) {
      return {
        ok: false,
        reason: `verification count ${total} exceeds the bound of ${limits.maxUsageCount} per summary`,
      };
    }
  }
  const latest = now.getTime() + limits.maxClockSkewMs;
  const clamped: string[] = [];
  const clamp = (field: string, value: string): string => {
    if (Date.parse(value) <= latest) return value;
    clamped.push(field);
    return new Date(latest).toISOString();
  };
  const time = clamp('time', event.time);
  switch (event.type) {
    case EventType.TokenCreated:
      return done({
        ...event,
        time,
        data: { ...event.data, createdAt: clamp('data.createdAt', event.data.createdAt) },
      });
    case EventType.TokenRevoked:
      return done({
        ...event,
        time,
        data: { ...event.data, revokedAt: clamp('data.revokedAt', event.data.revokedAt) },
      });
    case EventType.TokenRevealed:
      return done({
        ...event,
        time,
        data: { ...event.data, revealedAt: clamp('data.revealedAt', event.data.revealedAt) },
      });
    case EventType.TokenUsed:
      return done({
        ...event,
        time,
        data: { ...event.data, lastUsedAt: clamp('data.lastUsedAt', event.data.lastUsedAt) },
      });
    case EventType.TokenVerificationsCounted: {
      // A minute ahead of the clock is pulled back to the minute the skew allows.
      const latestMinute = new Date(Math.floor(latest / 60_000) * 60_000).toISOString();
      const counts = event.data.counts.map((cell, index) => {
        if (Date.parse(cell.minute) <= latest) return cell;
        clamped.push(`data.counts[${index}].minute`);
        return { ...cell, minute: latestMinute };
      });
      return done({ ...event, time, data: { ...event.data, counts } });
    }
    case EventType.TokenIdleWarning:
      return done({
        ...event,
        time,
        data: { ...event.data, idleSince: clamp('data.idleSince', event.data.idleSince) },
      });
    case EventType.TokenUpdated:
    case EventType.TokenRenewed:
    case EventType.TokenExpiring:
    case EventType.MemberRoleChanged:
    case EventType.MemberRemoved:
    case EventType.TenantPolicyChanged:
      // Nothing else they carry reports a past moment (an old token's end, an expiry lie ahead on purpose).
      return done({ ...event, time });
  }

  function done(checked: LatchkeyEvent): EventTrustResult {
    return { ok: true, event: checked, clamped };
  }
}
