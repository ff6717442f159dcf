import { createEvent, EventType, parseEvent } from './events';

const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const revokedData = { tokenId, revokedBy: 'alice', revokedAt: '2026-11-23T12:00:00.000Z', ownerId: 'alice' };
const revoked = (data: Record<string, unknown>) =>
  JSON.stringify({
    ...createEvent(EventType.TokenRevoked, {
      source: 'latchkey/issuer',
      subject: tokenId,
      tenantId: 'acme',
      data: revokedData,
    }),
    data,
  });

/** The technical owner (seed 004) joined the token events additively: older events still parse. */
describe('technical owner in token events', () => {
  it('reads events written before the field, with none, and with one', () => {
    expect(parseEvent(revoked(revokedData))).toMatchObject({ ok: true });
    expect(parseEvent(revoked({ ...revokedData, technicalOwner: null }))).toMatchObject({ ok: true });
    const owner = { email: 'platform@acme.test', name: 'Platform team' };
    const parsed = parseEvent(revoked({ ...revokedData, technicalOwner: owner }));
    expect(parsed).toMatchObject({ ok: true, event: { data: { technicalOwner: owner } } });
  });

  it('refuses a technical owner without an address', () => {
    const parsed = parseEvent(revoked({ ...revokedData, technicalOwner: { name: 'Platform team' } }));
    expect(parsed).toMatchObject({ ok: false, reason: expect.stringContaining('technicalOwner') });
  });
});
