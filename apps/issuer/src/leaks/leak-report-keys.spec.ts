import { generateKeyPairSync } from 'node:crypto';
import { type KeysSettings, LeakReportKeys } from './leak-report-keys';
import { parseKeysDocument } from './leak-signature';
import { LeakErrorCode } from './leaks.errors';

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
const documentOf = (...ids: string[]) => ({
  public_keys: ids.map((id) => ({ key_identifier: id, key: pem(), is_current: true })),
});

const settings = (extra: Partial<KeysSettings> = {}): KeysSettings => ({
  LEAK_REPORT_KEYS_URL: 'https://keys.example.test/secret_scanning',
  LEAK_REPORT_PUBLIC_KEYS: [],
  LEAK_REPORT_KEYS_TIMEOUT_MS: 1_000,
  LEAK_REPORT_KEYS_CACHE_MS: 60_000,
  LEAK_REPORT_KEYS_REFRESH_MIN_MS: 10_000,
  ...extra,
});

function keysWith(document: () => unknown, extra: Partial<KeysSettings> = {}) {
  const clock = { now: 1_000_000 };
  const fetches: { url: string; timeoutMs: number }[] = [];
  const keys = new LeakReportKeys(
    settings(extra),
    (url, timeoutMs) => {
      fetches.push({ url, timeoutMs });
      return Promise.resolve().then(document);
    },
    () => clock.now,
  );
  return { keys, clock, fetches };
}

describe('LeakReportKeys', () => {
  it('is off without a URL or inline keys', () => {
    const { keys } = keysWith(() => documentOf(), { LEAK_REPORT_KEYS_URL: undefined });
    expect(keys.enabled).toBe(false);
  });

  it('uses inline keys without fetching anything', async () => {
    const inline = parseKeysDocument(documentOf('inline-1'));
    const { keys, fetches } = keysWith(() => documentOf(), {
      LEAK_REPORT_KEYS_URL: undefined,
      LEAK_REPORT_PUBLIC_KEYS: inline,
    });
    expect(keys.enabled).toBe(true);
    expect(await keys.keyFor('inline-1')).toBe(inline[0].key);
    expect(await keys.keyFor('other')).toBeUndefined();
    expect(fetches).toEqual([]);
  });

  it('fetches the document with the timeout once, and serves from the cache while it is fresh', async () => {
    const { keys, fetches } = keysWith(() => documentOf('k1', 'k2'));
    expect(await keys.keyFor('k1')).toBeDefined();
    expect(await keys.keyFor('k2')).toBeDefined();
    expect(fetches).toEqual([{ url: 'https://keys.example.test/secret_scanning', timeoutMs: 1_000 }]);
  });

  it('shares one fetch between concurrent reports', async () => {
    const { keys, fetches } = keysWith(() => documentOf('k1'));
    const found = await Promise.all(Array.from({ length: 20 }, () => keys.keyFor('k1')));
    expect(found.every((key) => key !== undefined)).toBe(true);
    expect(fetches).toHaveLength(1);
  });

  it('fetches again for an unknown key at most once per refresh interval', async () => {
    let ids = ['k1'];
    const { keys, clock, fetches } = keysWith(() => documentOf(...ids));
    expect(await keys.keyFor('k1')).toBeDefined();
    ids = ['k1', 'rotated'];
    clock.now += 5_000;
    expect(await keys.keyFor('rotated')).toBeUndefined();
    expect(fetches).toHaveLength(1);
    clock.now += 5_000;
    expect(await keys.keyFor('rotated')).toBeDefined();
    expect(fetches).toHaveLength(2);
  });

  it('fetches again once the cached document is older than the cache lifetime', async () => {
    const { keys, clock, fetches } = keysWith(() => documentOf('k1'));
    await keys.keyFor('k1');
    clock.now += 60_000;
    await keys.keyFor('k1');
    expect(fetches).toHaveLength(2);
  });

  it('keeps the last document when a fetch fails', async () => {
    let fail = false;
    const { keys, clock } = keysWith(() => {
      if (fail) throw new Error('ETIMEDOUT');
      return documentOf('k1');
    });
    await keys.keyFor('k1');
    fail = true;
    clock.now += 120_000;
    expect(await keys.keyFor('k1')).toBeDefined();
  });

  it('answers 503 LEAK_KEYS_UNAVAILABLE when no document could ever be fetched', async () => {
    const { keys } = keysWith(() => {
      throw new Error('ECONNREFUSED');
    });
    await expect(keys.keyFor('k1')).rejects.toMatchObject({
      code: LeakErrorCode.KeysUnavailable,
      status: 503,
    });
  });

  it('treats a document of the wrong shape as a failed fetch', async () => {
    const { keys } = keysWith(() => ({ keys: [] }));
    await expect(keys.keyFor('k1')).rejects.toMatchObject({ code: LeakErrorCode.KeysUnavailable });
  });
});
