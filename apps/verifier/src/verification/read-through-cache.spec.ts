import { ManualClock } from '../testing/fakes';
import { type AddOnlyCache, ReadThroughCache } from './read-through-cache';

class MapCache implements AddOnlyCache<string, string> {
  readonly entries = new Map<string, { value: string; ttlSeconds: number }>();
  down = false;

  get(key: string): Promise<string | null> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED'));
    return Promise.resolve(this.entries.get(key)?.value ?? null);
  }

  putIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED'));
    if (this.entries.has(key)) return Promise.resolve(false);
    this.entries.set(key, { value, ttlSeconds });
    return Promise.resolve(true);
  }
}

describe('ReadThroughCache', () => {
  let cache: MapCache;
  let clock: ManualClock;
  let warnings: string[];
  let readThrough: ReadThroughCache<string, string>;

  beforeEach(() => {
    cache = new MapCache();
    clock = new ManualClock();
    warnings = [];
    readThrough = new ReadThroughCache(cache, {
      name: 'thing',
      source: 'the store',
      ttlSecondsOf: (value) => (value === 'none' ? 5 : 60),
      clock: clock.now,
      logger: { warn: (message) => warnings.push(message) },
    });
  });

  it('answers a hit from the cache without loading', async () => {
    cache.entries.set('k', { value: 'cached', ttlSeconds: 60 });
    const load = jest.fn(() => Promise.resolve('stored'));

    await expect(readThrough.get('k', load)).resolves.toBe('cached');
    expect(load).not.toHaveBeenCalled();
  });

  it('loads a miss and fills the cache for the TTL of that value', async () => {
    await expect(readThrough.get('k', () => Promise.resolve('stored'))).resolves.toBe('stored');
    await expect(readThrough.get('n', () => Promise.resolve('none'))).resolves.toBe('none');

    expect(cache.entries.get('k')).toEqual({ value: 'stored', ttlSeconds: 60 });
    expect(cache.entries.get('n')).toEqual({ value: 'none', ttlSeconds: 5 });
  });

  it('lets an entry written while loading win over what was loaded', async () => {
    const load = () => {
      cache.entries.set('k', { value: 'tombstone', ttlSeconds: 60 });
      return Promise.resolve('stored');
    };

    await expect(readThrough.get('k', load)).resolves.toBe('tombstone');
  });

  it('does not cache a load slower than the TTL', async () => {
    const load = () => {
      clock.advance(60_000);
      return Promise.resolve('stored');
    };

    await expect(readThrough.get('k', load)).resolves.toBe('stored');
    expect(cache.entries.has('k')).toBe(false);
  });

  it('caches a load just faster than the TTL', async () => {
    const load = () => {
      clock.advance(59_999);
      return Promise.resolve('stored');
    };

    await readThrough.get('k', load);

    expect(cache.entries.has('k')).toBe(true);
  });

  it('loads without writing when the cache cannot be read', async () => {
    cache.down = true;
    const put = jest.spyOn(cache, 'putIfAbsent');

    await expect(readThrough.get('k', () => Promise.resolve('stored'))).resolves.toBe('stored');
    expect(put).not.toHaveBeenCalled();
    expect(warnings).toEqual(['thing cache unavailable, reading the store: connect ECONNREFUSED']);
  });

  it('still answers when filling the cache fails', async () => {
    cache.putIfAbsent = () => Promise.reject(new Error('Command timed out'));

    await expect(readThrough.get('k', () => Promise.resolve('stored'))).resolves.toBe('stored');
    expect(warnings).toEqual(['could not fill the thing cache: Command timed out']);
  });

  it('passes on a failing load', async () => {
    await expect(readThrough.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(cache.entries.has('k')).toBe(false);
  });
});
