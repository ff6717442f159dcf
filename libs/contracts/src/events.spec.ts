import { randomUUID } from 'node:crypto';
import { createEvent, EventType, parseEvent } from './events';
import { toCloudEvent } from './event-wire';

const tokenId = randomUUID();
const used = () =>
  createEvent(EventType.TokenUsed, {
    source: 'latchkey/verifier',
    subject: tokenId,
    tenantId: 'acme',
    data: { tokenId, count: 3, lastUsedAt: new Date().toISOString(), verifierInstance: 'v1' },
  });

describe('event envelope', () => {
  it('round-trips through JSON', () => {
    const event = used();
    expect(parseEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it('tolerates fields added by a newer producer', () => {
    const event = { ...used(), traceparent: '00-abc', data: { ...used().data, region: 'eu' } };
    expect(parseEvent(JSON.stringify(event)).ok).toBe(true);
  });

  it.each([
    ['an empty message', null, /^empty/],
    ['text that is not JSON', '{"oops"', /^not JSON/],
    ['an unknown type', JSON.stringify({ ...used(), type: 'dev.latchkey.token.exploded' }), /^bad envelope/],
    ['a missing tenant', JSON.stringify({ ...used(), tenantId: undefined }), /^bad envelope/],
    [
      'data of the wrong shape',
      JSON.stringify({ ...used(), data: { tokenId, count: -1 } }),
      /^bad dev\.latchkey\.token\.used data/,
    ],
    [
      'a subject that is not the token',
      JSON.stringify({ ...used(), subject: randomUUID() }),
      /^subject does not match/,
    ],
  ])('refuses %s with a reason', (_label, raw, reason) => {
    const result = parseEvent(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('instants in events', () => {
  const created = (expiresAt: string | null) =>
    createEvent(EventType.TokenCreated, {
      source: 'latchkey/issuer',
      subject: tokenId,
      tenantId: 'acme',
      data: {
        tokenId,
        name: 'far',
        keyPrefix: 'lk_abcde',
        createdBy: 'alice',
        createdAt: new Date().toISOString(),
        expiresAt,
      },
    });

  it.each([
    [
      'the farthest expiry the issuer can be configured to accept (36500 days)',
      Date.now() + 36_500 * 86_400_000,
    ],
    ['a year-10000 expiry accepted before the cap existed', Date.UTC(10_000, 0, 1)],
    ['the latest instant JavaScript can represent', 8.64e15],
  ])('reads a TokenCreated with %s', (_case, time) => {
    const event = created(new Date(time).toISOString());
    expect(parseEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it.each(['+010000-13-01T00:00:00.000Z', '+999999-01-01T00:00:00.000Z', 'tomorrow'])(
    'still refuses %j',
    (expiresAt) => {
      expect(parseEvent(JSON.stringify(created(expiresAt))).ok).toBe(false);
    },
  );
});

describe('issue 14 events', () => {
  const issuer = { source: 'latchkey/issuer', subject: tokenId, tenantId: 'acme' };
  const revoked = () =>
    createEvent(EventType.TokenRevoked, {
      ...issuer,
      data: { tokenId, revokedBy: 'system:idle-policy', revokedAt: new Date().toISOString() },
    });

  it('carries why a token was revoked, absent in older events, and nothing but the known reasons', () => {
    const older = revoked();
    expect(parseEvent(JSON.stringify(older))).toEqual({ ok: true, event: older });
    const idle = { ...older, data: { ...older.data, reason: 'idle' } };
    expect(parseEvent(JSON.stringify(idle))).toMatchObject({ ok: true, event: { data: { reason: 'idle' } } });
    const unknown = { ...older, data: { ...older.data, reason: 'bored' } };
    expect(parseEvent(JSON.stringify(unknown)).ok).toBe(false);
  });

  it('round-trips TokenExpiring and TokenIdleWarning, refusing a negative reminder day', () => {
    const expiring = createEvent(EventType.TokenExpiring, {
      ...issuer,
      data: { tokenId, expiresAt: '2026-06-30T15:00:00.000Z', daysBefore: 7, ownerId: 'alice' },
    });
    const warning = createEvent(EventType.TokenIdleWarning, {
      ...issuer,
      data: {
        tokenId,
        idleSince: '2026-01-01T00:00:00.000Z',
        revokeAt: '2026-04-01T00:00:00.000Z',
        idleRevokeAfterDays: 90,
        ownerId: 'alice',
        technicalOwner: null,
      },
    });
    for (const event of [expiring, warning]) {
      expect(parseEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    }
    const negative = { ...expiring, data: { ...expiring.data, daysBefore: -1 } };
    expect(parseEvent(JSON.stringify(negative))).toMatchObject({ ok: false });
  });
});

describe('the wire form (CloudEvents 1.0, structured mode)', () => {
  it('names every attribute in lowercase alphanumerics of at most 20 characters', () => {
    const wire = toCloudEvent({ ...used(), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    for (const name of Object.keys(wire)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
    expect(wire).toMatchObject({ specversion: '1.0', tenantid: 'acme', dataversion: 1 });
    expect(wire).not.toHaveProperty('tenantId');
    expect(wire).not.toHaveProperty('dataVersion');
  });

  it('reads back as the envelope it came from', () => {
    const event = used();
    expect(parseEvent(JSON.stringify(toCloudEvent(event)))).toEqual({ ok: true, event });
  });

  it('keeps the trace context of a traced change', () => {
    const event = { ...used(), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, tracestate: 'k=v' };
    expect(parseEvent(JSON.stringify(toCloudEvent(event)))).toEqual({ ok: true, event });
  });

  it('reads the envelope published before (camelCase) next to the new one', () => {
    const event = used();
    expect(parseEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('refuses a CloudEvent without its tenant', () => {
    const { tenantid: _tenant, ...wire } = toCloudEvent(used());
    expect(parseEvent(JSON.stringify({ ...wire, tenantid: '' })).ok).toBe(false);
  });
});
