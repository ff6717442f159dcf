import {
  cachedMemberState,
  parseCachedMemberState,
  parseCachedTokenState,
  toCachedMemberState,
  toCachedTokenState,
  UnreadableCacheEntryError,
} from './token-state';

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

describe('toCachedTokenState', () => {
  const columns = {
    id: tombstone.tokenId,
    tenantId: tombstone.tenantId,
    createdBy: 'user-7',
    status: 'revoked',
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    scopes: ['projects:read'],
    resources: [],
  };

  it('writes the bytes issuer and verifier have always exchanged', () => {
    expect(JSON.stringify(toCachedTokenState(columns))).toBe(
      '{"found":true,"tokenId":"6f1c1c5e-2b8e-4f63-9d6e-0d3c2b7c9a11",' +
        '"tenantId":"f0a3d7b2-8c2f-4c0e-a4a4-2f8a7b6c5d4e","ownerId":"user-7","revoked":true,' +
        '"expiresAt":"2030-01-01T00:00:00.000Z","scopes":["projects:read"],"resources":[]}',
    );
  });

  it('reads an expiry given as text, as a raw row carries it', () => {
    const state = toCachedTokenState({ ...columns, expiresAt: '2030-01-01 01:00:00+01' });

    expect(state).toMatchObject({ expiresAt: '2030-01-01T00:00:00.000Z' });
  });

  it('keeps a token that never expires and is still active', () => {
    expect(toCachedTokenState({ ...columns, status: 'active', expiresAt: null })).toMatchObject({
      revoked: false,
      expiresAt: null,
    });
  });

  it('fails on an expiry it cannot read rather than caching a bad entry', () => {
    expect(() => toCachedTokenState({ ...columns, expiresAt: 'soon' })).toThrow(RangeError);
  });

  it('builds entries its own parser reads back unchanged', () => {
    const state = toCachedTokenState(columns);

    expect(parseCachedTokenState(JSON.stringify(state))).toEqual(state);
  });
});

describe('member-state entries', () => {
  it('writes the bytes issuer and verifier have always exchanged', () => {
    expect(JSON.stringify(toCachedMemberState({ role: 'admin', status: 'active' }))).toBe(
      '{"found":true,"role":"admin","active":true}',
    );
    expect(toCachedMemberState({ role: 'member', status: 'removed' }).active).toBe(false);
  });

  it('reads an unknown member back', () => {
    expect(parseCachedMemberState('{"found":false,"role":null,"active":false}')).toEqual({
      found: false,
      role: null,
      active: false,
    });
  });

  it('refuses a role it does not know', () => {
    expect(cachedMemberState.safeParse({ found: true, role: 'root', active: true }).success).toBe(false);
    expect(() => parseCachedMemberState('{"found":true,"role":"root","active":true}')).toThrow(
      UnreadableCacheEntryError,
    );
  });
});
