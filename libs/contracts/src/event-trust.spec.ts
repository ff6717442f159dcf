import { randomUUID } from 'node:crypto';
import { createEvent, EventType, type LatchkeyEvent } from './events';
import { checkEventTrust, EVENT_SOURCE_OF, EVENT_SOURCES } from './event-trust';

const now = new Date('2030-06-01T12:00:00.000Z');
const limits = { maxClockSkewMs: 30_000, maxUsageCount: 1_000 };

function used(
  fields: { source?: string; count?: number; lastUsedAt?: string; time?: Date } = {},
): LatchkeyEvent {
  const tokenId = randomUUID();
  return createEvent(EventType.TokenUsed, {
    source: fields.source ?? EVENT_SOURCES.verifier,
    subject: tokenId,
    tenantId: 'acme',
    time: fields.time ?? now,
    data: {
      tokenId,
      count: fields.count ?? 3,
      lastUsedAt: fields.lastUsedAt ?? now.toISOString(),
      verifierInstance: 'v1',
    },
  });
}

describe('checkEventTrust', () => {
  it('names one emitting service for every event type', () => {
    for (const type of Object.values(EventType)) {
      expect(Object.values(EVENT_SOURCES)).toContain(EVENT_SOURCE_OF[type]);
    }
  });

  it('believes an event from its own source, unchanged', () => {
    const event = used();
    expect(checkEventTrust(event, now, limits)).toEqual({ ok: true, event, clamped: [] });
  });

  it('refuses an event from another source than the one allowed to emit its type', () => {
    const result = checkEventTrust(used({ source: EVENT_SOURCES.issuer }), now, limits);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/may not emit dev\.latchkey\.token\.used/),
    });
    const tokenId = randomUUID();
    const revoked = createEvent(EventType.TokenRevoked, {
      source: 'evil/attacker',
      subject: tokenId,
      tenantId: 'acme',
      data: { tokenId, revokedBy: 'x', revokedAt: now.toISOString() },
    }) as LatchkeyEvent;
    expect(checkEventTrust(revoked, now, limits).ok).toBe(false);
  });

  it('pulls timestamps from the future back to now plus the skew', () => {
    const result = checkEventTrust(
      used({ lastUsedAt: '2099-01-01T00:00:00.000Z', time: new Date('2099-01-01T00:00:00.000Z') }),
      now,
      limits,
    );
    const latest = new Date(now.getTime() + 30_000).toISOString();
    expect(result).toMatchObject({
      ok: true,
      clamped: ['time', 'data.lastUsedAt'],
      event: { time: latest, data: { lastUsedAt: latest } },
    });
  });

  it('keeps a timestamp within the skew, and future expiries', () => {
    const within = new Date(now.getTime() + 29_000).toISOString();
    expect(checkEventTrust(used({ lastUsedAt: within }), now, limits)).toMatchObject({
      ok: true,
      clamped: [],
      event: { data: { lastUsedAt: within } },
    });
    const tokenId = randomUUID();
    const created = createEvent(EventType.TokenCreated, {
      source: EVENT_SOURCES.issuer,
      subject: tokenId,
      tenantId: 'acme',
      time: now,
      data: {
        tokenId,
        name: 'n',
        keyPrefix: 'lk_abcde',
        createdBy: 'u',
        createdAt: now.toISOString(),
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
    }) as LatchkeyEvent;
    expect(checkEventTrust(created, now, limits)).toMatchObject({
      ok: true,
      clamped: [],
      event: { data: { expiresAt: '2099-01-01T00:00:00.000Z' } },
    });
  });

  it('refuses a usage summary over the bound', () => {
    expect(checkEventTrust(used({ count: 1_000 }), now, limits).ok).toBe(true);
    expect(checkEventTrust(used({ count: 1_001 }), now, limits)).toEqual({
      ok: false,
      reason: 'usage count 1001 exceeds the bound of 1000 per summary',
    });
  });

  it('refuses verification counts over the bound, and pulls future minutes back', () => {
    const tokenId = randomUUID();
    const counted = (counts: { minute: string; count: number }[]) =>
      createEvent(EventType.TokenVerificationsCounted, {
        source: EVENT_SOURCES.verifier,
        subject: tokenId,
        tenantId: 'acme',
        time: now,
        data: {
          tokenId,
          verifierInstance: 'v1',
          counts: counts.map((c) => ({ ...c, reason: 'OK', caller: null })),
        },
      });
    const minute = now.toISOString();
    expect(
      checkEventTrust(
        counted([
          { minute, count: 600 },
          { minute, count: 401 },
        ]),
        now,
        limits,
      ),
    ).toEqual({ ok: false, reason: 'verification count 1001 exceeds the bound of 1000 per summary' });
    expect(
      checkEventTrust(counted([{ minute: '2031-01-01T00:00:00.000Z', count: 1 }]), now, limits),
    ).toMatchObject({
      ok: true,
      clamped: ['data.counts[0].minute'],
      event: { data: { counts: [{ minute: '2030-06-01T12:00:00.000Z' }] } },
    });
  });
});
