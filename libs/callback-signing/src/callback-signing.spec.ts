import { createHmac } from 'node:crypto';

import {
  generateSigningSecret,
  SIGNATURE_HEADER,
  signPayload,
  SIGNING_SECRET_PREFIX,
  verifySignature,
} from './callback-signing';

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY = JSON.stringify({ type: 'token.renewal-due', data: { tokenId: 'tok_1', note: 'café ✓' } });

describe('callback signing', () => {
  const secret = generateSigningSecret();

  it('names the header Latchkey-Signature', () => {
    expect(SIGNATURE_HEADER).toBe('Latchkey-Signature');
  });

  it('generates an lksig_ secret carrying 32 random bytes, different every time', () => {
    expect(secret).toMatch(/^lksig_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('verifies what it signed (round trip)', () => {
    const header = signPayload(BODY, secret, NOW);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({ ok: true, timestamp: NOW });
  });

  it('matches a vector computed independently with createHmac (pins the format)', () => {
    const key = 'lksig_test-vector-secret';
    const body = '{"tokenId":"tok_1"}';
    const expected = createHmac('sha256', key).update(`1700000000.${body}`).digest('hex');
    expect(signPayload(body, key, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    expect(verifySignature(body, `t=1700000000,v1=${expected}`, key, { now: 1_700_000_000 }).ok).toBe(true);
  });

  it('matches the example published in the README', () => {
    const body = '{"type":"token.renewal-due","data":{"tokenId":"tok_1"}}';
    expect(signPayload(body, 'lksig_example', 1_767_225_600)).toBe(
      't=1767225600,v1=d31b925b8241f1edab2c0ddb5a69971ba1a443e969066aa06a5b3414e33f5e0f',
    );
  });

  it('gives the same signature for the body as a Buffer and as a string', () => {
    const asBuffer = signPayload(Buffer.from(BODY, 'utf8'), secret, NOW);
    expect(asBuffer).toBe(signPayload(BODY, secret, NOW));
    expect(
      verifySignature(Buffer.from(BODY, 'utf8'), signPayload(BODY, secret, NOW), secret, { now: NOW }).ok,
    ).toBe(true);
  });

  it('refuses a tampered body', () => {
    const header = signPayload(BODY, secret, NOW);
    expect(verifySignature(BODY.replace('tok_1', 'tok_2'), header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
    expect(verifySignature(BODY + ' ', header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('refuses a signature made with another secret', () => {
    const header = signPayload(BODY, generateSigningSecret(), NOW);
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('refuses a changed timestamp, because the timestamp is signed', () => {
    const v1 = signPayload(BODY, secret, NOW).split(',')[1];
    expect(verifySignature(BODY, `t=${NOW + 1},${v1}`, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('refuses a genuine signature older than the tolerance (replay)', () => {
    const header = signPayload(BODY, secret, NOW - 301);
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
    expect(verifySignature(BODY, signPayload(BODY, secret, NOW - 300), secret, { now: NOW }).ok).toBe(true);
  });

  it('refuses a genuine signature too far in the future', () => {
    const header = signPayload(BODY, secret, NOW + 301);
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
  });

  it('honours a custom tolerance and defaults now to the system clock', () => {
    const header = signPayload(BODY, secret, NOW - 60);
    expect(verifySignature(BODY, header, secret, { now: NOW, toleranceSeconds: 30 }).ok).toBe(false);
    expect(verifySignature(BODY, header, secret, { now: NOW, toleranceSeconds: 60 }).ok).toBe(true);
    const fresh = signPayload(BODY, secret, Math.floor(Date.now() / 1000));
    expect(verifySignature(BODY, fresh, secret).ok).toBe(true);
  });

  it('accepts the old and the new secret during a rotation', () => {
    const oldSecret = generateSigningSecret();
    const newSecret = generateSigningSecret();
    const both = [oldSecret, newSecret];
    expect(verifySignature(BODY, signPayload(BODY, oldSecret, NOW), both, { now: NOW }).ok).toBe(true);
    expect(verifySignature(BODY, signPayload(BODY, newSecret, NOW), both, { now: NOW }).ok).toBe(true);
    expect(verifySignature(BODY, signPayload(BODY, secret, NOW), both, { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('accepts a header with several v1 entries when any of them matches, ignoring unknown keys', () => {
    const other = signPayload(BODY, generateSigningSecret(), NOW).split(',')[1];
    const mine = signPayload(BODY, secret, NOW).split(',')[1];
    const header = `t=${NOW}, ${other}, v0=legacy, ${mine}`;
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({ ok: true, timestamp: NOW });
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a repeated header (array)', ['t=1,v1=' + 'a'.repeat(64)]],
    ['garbage', 'not a signature'],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1 entry', `t=${NOW}`],
    ['only unknown schemes', `t=${NOW},v0=${'a'.repeat(64)}`],
    ['a fractional timestamp', `t=${NOW}.5,v1=${'a'.repeat(64)}`],
    ['a negative timestamp', `t=-${NOW},v1=${'a'.repeat(64)}`],
    ['a timestamp with a leading zero', `t=0${NOW},v1=${'a'.repeat(64)}`],
    ['a timestamp in exponent notation', `t=1e9,v1=${'a'.repeat(64)}`],
    ['an empty timestamp', `t=,v1=${'a'.repeat(64)}`],
    ['a timestamp beyond safe integers', `t=99999999999999999999,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`],
    ['a short v1', `t=${NOW},v1=abcd`],
    ['an uppercase v1', `t=${NOW},v1=${'A'.repeat(64)}`],
    ['an entry without =', `t=${NOW},v1=${'a'.repeat(64)},junk`],
    ['an empty key', `t=${NOW},=x,v1=${'a'.repeat(64)}`],
    ['a trailing comma', `t=${NOW},v1=${'a'.repeat(64)},`],
    ['an absurdly long header', `t=${NOW},v1=${'a'.repeat(64)},x=${'y'.repeat(5000)}`],
  ])('refuses %s as MALFORMED_HEADER', (_label, header) => {
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({
      ok: false,
      reason: 'MALFORMED_HEADER',
    });
  });

  it('refuses to sign with an empty secret or a non-integer timestamp', () => {
    expect(() => signPayload(BODY, '', NOW)).toThrow(TypeError);
    expect(() => signPayload(BODY, secret, NOW + 0.5)).toThrow(RangeError);
    expect(() => signPayload(BODY, secret, -1)).toThrow(RangeError);
  });

  it('refuses to verify without any secret', () => {
    const header = signPayload(BODY, secret, NOW);
    expect(() => verifySignature(BODY, header, [], { now: NOW })).toThrow(TypeError);
    expect(() => verifySignature(BODY, header, '', { now: NOW })).toThrow(TypeError);
  });
});

describe('v2: the signature covers the destination URL', () => {
  const URL_A = 'https://hooks.example.com/latchkey';
  const secret = generateSigningSecret();

  it('verifies at the URL it was sent to, in any spelling of the same URL', () => {
    const header = signPayload(BODY, secret, NOW, URL_A);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v2=[0-9a-f]{64}$/);
    expect(verifySignature(BODY, header, secret, { now: NOW, destinationUrl: URL_A })).toEqual({
      ok: true,
      timestamp: NOW,
    });
    expect(
      verifySignature(BODY, header, secret, {
        now: NOW,
        destinationUrl: 'HTTPS://HOOKS.example.com:443/latchkey',
      }).ok,
    ).toBe(true);
  });

  it('does not verify at another URL, nor with only a v1 when the URL is checked', () => {
    const header = signPayload(BODY, secret, NOW, URL_A);
    for (const other of ['https://hooks.example.com/latchkey2', 'https://evil.example/latchkey']) {
      expect(verifySignature(BODY, header, secret, { now: NOW, destinationUrl: other })).toEqual({
        ok: false,
        reason: 'NO_MATCHING_SIGNATURE',
      });
    }
    const v1Only = signPayload(BODY, secret, NOW);
    expect(verifySignature(BODY, v1Only, secret, { now: NOW, destinationUrl: URL_A })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('is HMAC-SHA256 of "<t>.<normalised URL>\\n<raw body>"', () => {
    const body = '{"a":1}';
    const expected = createHmac('sha256', 'lksig_example')
      .update('1767225600.https://hooks.example.com/latchkey\n{"a":1}')
      .digest('hex');
    expect(signPayload(body, 'lksig_example', 1_767_225_600, 'https://hooks.example.com/latchkey')).toMatch(
      new RegExp(`,v2=${expected}$`),
    );
  });
});
