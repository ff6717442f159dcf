import { type LookupAddress } from 'node:dns';
import { type LookupFunction } from 'node:net';
import { addressesPinnedLookup } from './pinned-lookup';

type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function ask(
  lookup: LookupFunction,
  hostname: string,
  options: Parameters<LookupFunction>[1],
): Promise<Answer> {
  return new Promise((resolve) => {
    lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('addressesPinnedLookup', () => {
  const lookup = addressesPinnedLookup(['93.184.216.34', '2606:4700:4700::1111', '93.184.216.35']);

  it('answers all: true with every pinned address, whatever name is asked', async () => {
    await expect(ask(lookup, 'rebound.example.com', { all: true })).resolves.toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '93.184.216.35', family: 4 },
      ],
      family: undefined,
    });
  });

  it('answers the single-address form with the first pinned address', async () => {
    await expect(ask(lookup, 'hooks.example.com', {})).resolves.toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('honours a requested family', async () => {
    await expect(ask(lookup, 'hooks.example.com', { family: 6 })).resolves.toEqual({
      error: null,
      address: '2606:4700:4700::1111',
      family: 6,
    });
    await expect(ask(lookup, 'hooks.example.com', { family: 'IPv4', all: true })).resolves.toMatchObject({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '93.184.216.35', family: 4 },
      ],
    });
  });

  it('fails with ENOTFOUND rather than resolving when no pinned address has the family', async () => {
    const v4only = addressesPinnedLookup(['93.184.216.34']);
    const answer = await ask(v4only, 'hooks.example.com', { family: 6 });
    expect(answer.error?.code).toBe('ENOTFOUND');
  });

  it('answers asynchronously, like dns.lookup', () => {
    const callback = jest.fn();
    lookup('hooks.example.com', {}, callback);
    expect(callback).not.toHaveBeenCalled();
  });

  it('refuses to pin nothing or something that is not an address', () => {
    expect(() => addressesPinnedLookup([])).toThrow('at least one');
    expect(() => addressesPinnedLookup(['93.184.216.34', 'hooks.example.com'])).toThrow(
      '"hooks.example.com"',
    );
  });

  it('does not let callers mutate the pinned answer', async () => {
    const first = await ask(lookup, 'a', { all: true });
    (first.address as LookupAddress[])[0].address = '127.0.0.1';
    const second = await ask(lookup, 'a', { all: true });
    expect((second.address as LookupAddress[])[0]).toEqual({ address: '93.184.216.34', family: 4 });
  });
});
