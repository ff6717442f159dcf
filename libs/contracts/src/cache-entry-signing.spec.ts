import { CacheEntrySigner } from './cache-entry-signing';

describe('CacheEntrySigner', () => {
  const signer = new CacheEntrySigner('k'.repeat(32));
  const other = new CacheEntrySigner('o'.repeat(32));
  const key = 'lk:token:aaaa';
  const json = JSON.stringify({ found: true, revoked: false });
  const now = 1_800_000_000_000;

  it('opens what it sealed, for that key, until the entry’s expiry', () => {
    const stored = signer.seal(key, json, now + 300_000);
    expect(signer.open(key, stored, now)).toEqual({ ok: true, json, expiresAtMs: now + 300_000 });
  });

  it('refuses an entry copied under another key', () => {
    const stored = signer.seal(key, json, now + 300_000);
    expect(signer.open('lk:token:bbbb', stored, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses an entry sealed under another signing key', () => {
    expect(signer.open(key, other.seal(key, json, now + 300_000), now)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses a changed value or a changed expiry', () => {
    const stored = signer.seal(key, json, now + 300_000);
    const changedValue = stored.replace('"revoked":false', '"revoked":true ');
    const extended = stored.replace(String(now + 300_000), String(now + 900_000));
    expect(signer.open(key, changedValue, now)).toEqual({ ok: false, reason: 'forged' });
    expect(signer.open(key, extended, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a genuine entry replayed after its own expiry', () => {
    const stored = signer.seal(key, json, now + 300_000);
    expect(signer.open(key, stored, now + 300_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses plain JSON and anything not in its format', () => {
    for (const stored of [json, '', 'v1.', 'v1.12.abc.{}', `v2.${now}.${'a'.repeat(43)}.{}`, 'v1.x.y.z']) {
      expect(signer.open(key, stored, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a short key', () => {
    expect(() => new CacheEntrySigner('short')).toThrow(/at least 32/);
  });
});
