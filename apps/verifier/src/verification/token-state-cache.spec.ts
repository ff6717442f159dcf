import { parseCachedTokenState, UnreadableCacheEntryError } from './token-state-cache';

const tombstone = {
  found: true,
  tokenId: '6f1c1c5e-2b8e-4f63-9d6e-0d3c2b7c9a11',
  tenantId: 'f0a3d7b2-8c2f-4c0e-a4a4-2f8a7b6c5d4e',
  ownerId: 'user-7',
  revoked: true,
  expiresAt: '2030-01-01T00:00:00.000Z',
  scopes: ['projects:read'],
  resources: [],
};

describe('parseCachedTokenState', () => {
  it('reads an entry the issuer wrote, tolerating fields added later', () => {
    const state = parseCachedTokenState(JSON.stringify({ ...tombstone, revokedAt: '2029-12-31T00:00:00Z' }));

    expect(state).toEqual(tombstone);
  });

  it('reads a negative entry', () => {
    expect(parseCachedTokenState('{"found":false}')).toEqual({ found: false });
  });

  it.each([
    ['not JSON', 'revoked'],
    ['no found flag', '{"revoked":true}'],
    ['a revoked flag that is not a boolean', JSON.stringify({ ...tombstone, revoked: 'yes' })],
    ['an expiry that is not a timestamp', JSON.stringify({ ...tombstone, expiresAt: 'tomorrow' })],
  ])('refuses an entry with %s instead of guessing', (_case, raw) => {
    expect(() => parseCachedTokenState(raw)).toThrow(UnreadableCacheEntryError);
  });
});
