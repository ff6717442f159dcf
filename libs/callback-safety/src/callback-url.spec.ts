import {
  type CallbackPolicy,
  checkCallbackUrl,
  type HostResolver,
  parseAllowList,
  publicRefusalOf,
} from './callback-url';

/** A resolver answering from a table; unknown names fail like getaddrinfo does. No real DNS. */
function fakeResolver(
  records: Record<string, readonly string[]>,
): jest.Mock<ReturnType<HostResolver>, [string]> {
  return jest.fn((hostname: string) => {
    const addresses = records[hostname];
    if (addresses !== undefined) return Promise.resolve(addresses);
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }),
    );
  });
}

const noAllowList: CallbackPolicy = { allowList: [] };
const resolver = fakeResolver({
  'hooks.example.com': ['93.184.216.34', '2606:4700:4700::1111'],
  'split.example.com': ['93.184.216.34', '10.0.0.5'],
  'empty.example.com': [],
  'receiver.test': ['172.18.0.4'],
  localhost: ['127.0.0.1', '::1'],
});

describe('checkCallbackUrl', () => {
  it('accepts an https URL whose host resolves only to public addresses, with every address', async () => {
    const result = await checkCallbackUrl('https://hooks.example.com/latchkey?x=1', noAllowList, resolver);
    expect(result).toEqual({
      ok: true,
      url: new URL('https://hooks.example.com/latchkey?x=1'),
      addresses: ['93.184.216.34', '2606:4700:4700::1111'],
    });
  });

  it('accepts public IP literals without resolving them', async () => {
    const resolve = fakeResolver({});
    await expect(checkCallbackUrl('https://93.184.216.34/hook', noAllowList, resolve)).resolves.toMatchObject(
      {
        ok: true,
        addresses: ['93.184.216.34'],
      },
    );
    await expect(
      checkCallbackUrl('https://[2606:4700:4700::1111]:8443/hook', noAllowList, resolve),
    ).resolves.toMatchObject({ ok: true, addresses: ['2606:4700:4700::1111'] });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    'http://hooks.example.com/hook',
    'ftp://hooks.example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('refuses %s: https is required', async (url) => {
    const resolve = fakeResolver({});
    await expect(checkCallbackUrl(url, noAllowList, resolve)).resolves.toMatchObject({
      ok: false,
      reason: 'HTTPS_REQUIRED',
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each(['not a url', '/relative/path', '', 'https://', 'https://exa mple.com/'])(
    'refuses "%s" as an invalid URL',
    async (url) => {
      await expect(checkCallbackUrl(url, noAllowList, resolver)).resolves.toMatchObject({
        ok: false,
        reason: 'INVALID_URL',
      });
    },
  );

  it.each([
    'https://user:s3cret@hooks.example.com/',
    'https://user@hooks.example.com/',
    'https://:s3cret@hooks.example.com/',
  ])('refuses credentials in %s without echoing them', async (url) => {
    const result = await checkCallbackUrl(url, noAllowList, resolver);
    expect(result).toMatchObject({ ok: false, reason: 'CREDENTIALS_IN_URL' });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('refuses a host when any one of its addresses is forbidden', async () => {
    const result = await checkCallbackUrl('https://split.example.com/', noAllowList, resolver);
    expect(result).toEqual({
      ok: false,
      reason: 'FORBIDDEN_ADDRESS',
      detail: 'split.example.com resolves to 10.0.0.5, which is a forbidden address (private)',
    });
  });

  it('refuses a host that does not resolve', async () => {
    await expect(checkCallbackUrl('https://nowhere.invalid/', noAllowList, resolver)).resolves.toEqual({
      ok: false,
      reason: 'UNRESOLVABLE_HOST',
      detail: 'nowhere.invalid could not be resolved (ENOTFOUND)',
    });
  });

  it('refuses a host with no addresses, or a resolver answer that is not an address', async () => {
    await expect(
      checkCallbackUrl('https://empty.example.com/', noAllowList, resolver),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'UNRESOLVABLE_HOST',
    });
    const odd = () => Promise.resolve(['93.184.216.34', 'localhost']);
    await expect(checkCallbackUrl('https://hooks.example.com/', noAllowList, odd)).resolves.toMatchObject({
      ok: false,
      reason: 'UNRESOLVABLE_HOST',
    });
  });

  it.each([
    ['decimal IPv4', 'https://2130706433/'],
    ['hex and shortened IPv4', 'https://0x7f.1/'],
    ['octal IPv4', 'https://017700000001/'],
    ['IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/'],
    ['bracketed IPv6 loopback', 'https://[::1]:8443/'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['the metadata address in hex', 'https://0xa9fea9fe/'],
    ['the IPv6 metadata address', 'https://[fd00:ec2::254]/'],
  ])('refuses %s literals (%s) without resolving them', async (_form, url) => {
    const resolve = fakeResolver({});
    await expect(checkCallbackUrl(url, noAllowList, resolve)).resolves.toMatchObject({
      ok: false,
      reason: 'FORBIDDEN_ADDRESS',
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  describe('with an allow-list', () => {
    const policy: CallbackPolicy = { allowList: parseAllowList('http://127.0.0.1:4010, localhost:4020') };

    it('passes an allow-listed http origin without the address rules', async () => {
      await expect(checkCallbackUrl('http://127.0.0.1:4010/hooks', policy, resolver)).resolves.toEqual({
        ok: true,
        url: new URL('http://127.0.0.1:4010/hooks'),
        addresses: ['127.0.0.1'],
      });
    });

    it('refuses the same host on another port', async () => {
      await expect(checkCallbackUrl('http://127.0.0.1:4011/hooks', policy, resolver)).resolves.toMatchObject({
        ok: false,
        reason: 'HTTPS_REQUIRED',
      });
      await expect(checkCallbackUrl('https://127.0.0.1:4011/hooks', policy, resolver)).resolves.toMatchObject(
        {
          ok: false,
          reason: 'FORBIDDEN_ADDRESS',
        },
      );
    });

    it('matches the scheme exactly for origin entries', async () => {
      await expect(checkCallbackUrl('https://127.0.0.1:4010/hooks', policy, resolver)).resolves.toMatchObject(
        {
          ok: false,
          reason: 'FORBIDDEN_ADDRESS',
        },
      );
    });

    it('passes a host:port entry over http and https, with the addresses to pin', async () => {
      for (const url of ['http://localhost:4020/', 'https://localhost:4020/']) {
        await expect(checkCallbackUrl(url, policy, resolver)).resolves.toMatchObject({
          ok: true,
          addresses: ['127.0.0.1', '::1'],
        });
      }
      await expect(checkCallbackUrl('http://localhost:4021/', policy, resolver)).resolves.toMatchObject({
        ok: false,
        reason: 'HTTPS_REQUIRED',
      });
    });

    it('matches a named receiver and default ports after normalisation', async () => {
      const named: CallbackPolicy = { allowList: ['http://Receiver.TEST:80'] };
      await expect(checkCallbackUrl('http://receiver.test/cb', named, resolver)).resolves.toMatchObject({
        ok: true,
        addresses: ['172.18.0.4'],
      });
    });

    it('still refuses credentials and unresolvable names', async () => {
      await expect(checkCallbackUrl('http://u:p@127.0.0.1:4010/', policy, resolver)).resolves.toMatchObject({
        ok: false,
        reason: 'CREDENTIALS_IN_URL',
      });
      const unresolvable = fakeResolver({});
      await expect(checkCallbackUrl('http://localhost:4020/', policy, unresolvable)).resolves.toMatchObject({
        ok: false,
        reason: 'UNRESOLVABLE_HOST',
      });
    });

    it('ignores entries that are not origins (they match nothing)', async () => {
      const bad: CallbackPolicy = { allowList: ['127.0.0.1', 'ftp://127.0.0.1:4010'] };
      await expect(checkCallbackUrl('http://127.0.0.1:4010/', bad, resolver)).resolves.toMatchObject({
        ok: false,
        reason: 'HTTPS_REQUIRED',
      });
    });
  });
});

describe('parseAllowList', () => {
  it('is empty when unset or blank', () => {
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList('')).toEqual([]);
    expect(parseAllowList(' , ')).toEqual([]);
  });

  it('normalises origins and expands host:port entries to both schemes', () => {
    expect(parseAllowList('http://127.0.0.1:4010/, HTTPS://Localhost:8443,[::1]:4010,')).toEqual([
      'http://127.0.0.1:4010',
      'https://localhost:8443',
      'http://[::1]:4010',
      'https://[::1]:4010',
    ]);
  });

  it.each([
    ['a bare host', 'localhost'],
    ['a non-http scheme', 'ftp://127.0.0.1:21'],
    ['a path', 'http://127.0.0.1:4010/hooks'],
    ['a query', 'http://127.0.0.1:4010?x=1'],
    ['credentials', 'http://user:pw@127.0.0.1:4010'],
    ['an out-of-range port', 'http://127.0.0.1:99999'],
    ['an out-of-range host:port', 'localhost:70000'],
    ['garbage', 'not an origin'],
  ])('refuses %s, naming the entry', (_what, entry) => {
    expect(() => parseAllowList(`http://127.0.0.1:4010,${entry}`)).toThrow(
      `Invalid callback allow-list entry "${entry}"`,
    );
  });
});

describe('publicRefusalOf', () => {
  it('gives a name that does not resolve the same public reason as a forbidden address', () => {
    expect(publicRefusalOf('UNRESOLVABLE_HOST')).toBe('FORBIDDEN_ADDRESS');
    expect(publicRefusalOf('FORBIDDEN_ADDRESS')).toBe('FORBIDDEN_ADDRESS');
    expect(publicRefusalOf('HTTPS_REQUIRED')).toBe('HTTPS_REQUIRED');
  });
});
