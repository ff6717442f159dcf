import { randomUUID } from 'node:crypto';
import { createEvent, EventType, parseEvent } from './events';

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
