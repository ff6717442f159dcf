import {
  generateSigningSecret,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from '@latchkey/callback-signing';
import { REDEEM_PATH } from '@latchkey/contracts';
import { callbackBody, callbackHeaders, redeemUrl, signatureHeader } from './callback-delivery';

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const URL = 'https://hooks.example.com/latchkey';
const BODY = callbackBody({
  deliveryId: '5d1e0c8a-4a8e-4f0b-9d3c-2b7a1e6f9c10',
  offerId: '0b6c8e2a-1f3d-4c5b-8a9e-7d6f5e4c3b2a',
  tokenId: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f',
  key: 'lkr_' + 'k'.repeat(43),
  redeemBy: '2026-01-01T02:00:00.000Z',
  redeemUrl: 'https://issuer.example/apiAccessTokens/requestRenewedToken',
});

describe('the renewal callback signature', () => {
  it('is exactly the single-secret signature when the tenant has one secret', () => {
    const secret = generateSigningSecret();
    const header = signatureHeader(BODY, [secret], NOW, URL);
    expect(header).toBe(signPayload(BODY, secret, NOW, URL));
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64},v2=[0-9a-f]{64}$/);
    expect(verifySignature(BODY, header, secret, { now: NOW, destinationUrl: URL })).toEqual({
      ok: true,
      timestamp: NOW,
    });
    expect(verifySignature(BODY, header, secret, { now: NOW })).toEqual({ ok: true, timestamp: NOW });
  });

  it('carries one v1 per secret during a rotation, so either secret verifies it', () => {
    const current = generateSigningSecret();
    const retiring = generateSigningSecret();
    const header = signatureHeader(BODY, [current, retiring], NOW, URL);
    expect(header).toMatch(/^t=1767225600(,v1=[0-9a-f]{64},v2=[0-9a-f]{64}){2}$/);
    expect(verifySignature(BODY, header, retiring, { now: NOW, destinationUrl: URL }).ok).toBe(true);
    expect(verifySignature(BODY, header, current, { now: NOW }).ok).toBe(true);
    expect(verifySignature(BODY, header, retiring, { now: NOW }).ok).toBe(true);
    expect(verifySignature(BODY, header, generateSigningSecret(), { now: NOW })).toEqual({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
  });

  it('covers the body: a changed byte no longer verifies', () => {
    const secret = generateSigningSecret();
    const header = signatureHeader(BODY, [secret], NOW, URL);
    expect(verifySignature(BODY.replace('lkr_k', 'lkr_j'), header, secret, { now: NOW }).ok).toBe(false);
  });

  it('covers the destination URL (v2): a delivery replayed to another URL does not verify', () => {
    const secret = generateSigningSecret();
    const header = signatureHeader(BODY, [secret], NOW, URL);
    expect(
      verifySignature(BODY, header, secret, {
        now: NOW,
        destinationUrl: 'https://other.example.com/latchkey',
      }),
    ).toEqual({ ok: false, reason: 'NO_MATCHING_SIGNATURE' });
  });

  it('refuses to sign without a secret', () => {
    expect(() => signatureHeader(BODY, [], NOW, URL)).toThrow(TypeError);
  });
});

describe('the renewal callback', () => {
  it('is a token.renewal_available body with the documented fields in a fixed order', () => {
    expect(Object.keys(JSON.parse(BODY))).toEqual([
      'type',
      'deliveryId',
      'offerId',
      'tokenId',
      'key',
      'redeemBy',
      'redeemUrl',
    ]);
    expect(JSON.parse(BODY)).toMatchObject({ type: 'token.renewal_available' });
  });

  it('names the public redeem endpoint under the issuer URL, with or without a trailing slash', () => {
    expect(redeemUrl('https://issuer.example')).toBe(`https://issuer.example${REDEEM_PATH}`);
    expect(redeemUrl('https://issuer.example/latchkey/')).toBe(
      `https://issuer.example/latchkey${REDEEM_PATH}`,
    );
  });

  it('is sent as JSON with the signature and the delivery id', () => {
    expect(callbackHeaders('t=1,v1=ab', 'delivery-1')).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Latchkey-Callbacks/1',
      [SIGNATURE_HEADER]: 't=1,v1=ab',
      'latchkey-delivery-id': 'delivery-1',
    });
  });
});
