import { checkCallbackUrl } from './callback-url';
import { forbiddenRangeOf, isForbiddenAddress } from './forbidden-addresses';

/** One or two addresses from every range of issue 4, with the edges of the wider ones. */
const FORBIDDEN_BY_RANGE: ReadonlyArray<[range: string, ip: string]> = [
  ['0.0.0.0/8', '0.0.0.0'],
  ['0.0.0.0/8', '0.255.255.255'],
  ['10/8', '10.0.0.1'],
  ['10/8', '10.255.255.255'],
  ['100.64/10 (CGNAT)', '100.64.0.1'],
  ['100.64/10 (CGNAT)', '100.127.255.254'],
  ['127/8', '127.0.0.1'],
  ['127/8', '127.255.255.254'],
  ['169.254/16', '169.254.0.1'],
  ['169.254/16 (metadata)', '169.254.169.254'],
  ['172.16/12', '172.16.0.1'],
  ['172.16/12', '172.31.255.255'],
  ['192.0.0/24', '192.0.0.170'],
  ['192.0.2/24', '192.0.2.1'],
  ['192.168/16', '192.168.1.1'],
  ['198.18/15', '198.18.0.1'],
  ['198.18/15', '198.19.255.255'],
  ['198.51.100/24', '198.51.100.7'],
  ['203.0.113/24', '203.0.113.9'],
  ['224/4', '224.0.0.1'],
  ['224/4', '239.255.255.250'],
  ['240/4', '240.0.0.1'],
  ['255.255.255.255', '255.255.255.255'],
  ['::/128', '::'],
  ['::1/128', '::1'],
  ['::ffff:0:0/96 (loopback)', '::ffff:127.0.0.1'],
  ['::ffff:0:0/96 (metadata, hex)', '::ffff:a9fe:a9fe'],
  ['::ffff:0:0/96 (private, long form)', '0:0:0:0:0:ffff:c0a8:0101'],
  ['64:ff9b::/96 (metadata)', '64:ff9b::169.254.169.254'],
  ['64:ff9b::/96 (private, hex)', '64:ff9b::a00:1'],
  ['fc00::/7', 'fc00::1'],
  ['fc00::/7 (AWS metadata)', 'fd00:ec2::254'],
  ['fc00::/7', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fe80::/10', 'fe80::1'],
  ['fe80::/10', 'febf:ffff::1'],
  ['ff00::/8', 'ff02::1'],
  ['ff00::/8', 'ff0e::fb'],
  ['2001:db8::/32', '2001:db8::1'],
  ['2001:db8::/32', '2001:db8:ffff:ffff::1'],
];

const PUBLIC: readonly string[] = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '169.253.255.255',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2001:db9::1',
  '::ffff:93.184.216.34',
  '64:ff9b::808:808',
  '2002:5db8:d822::1',
];

describe('isForbiddenAddress', () => {
  it.each(FORBIDDEN_BY_RANGE)('refuses %s: %s', (_range, ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(PUBLIC)('allows the public address %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
    expect(forbiddenRangeOf(ip)).toBeUndefined();
  });

  it.each([
    ['an IPv4-compatible address', '::127.0.0.1'],
    ['local-use NAT64', '64:ff9b:1::a00:1'],
    ['the discard-only prefix', '100::1'],
    ['a deprecated site-local address', 'fec0::1'],
    ['a 6to4 address around a loopback IPv4', '2002:7f00:1::1'],
  ])('refuses %s (%s), beyond the issue list', (_what, ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    ['a host name', 'example.com'],
    ['a shortened IPv4 form', '127.1'],
    ['an address with a zone id', 'fe80::1%eth0'],
    ['an empty string', ''],
  ])('fails closed on %s', (_what, value) => {
    expect(isForbiddenAddress(value)).toBe(true);
  });

  it('names the range and the embedded IPv4 in its description', () => {
    expect(forbiddenRangeOf('169.254.169.254')).toBe('link-local (cloud metadata)');
    expect(forbiddenRangeOf('::ffff:127.0.0.1')).toBe('IPv4-mapped of 127.0.0.1, loopback');
    expect(forbiddenRangeOf('64:ff9b::a9fe:a9fe')).toBe(
      'NAT64 of 169.254.169.254, link-local (cloud metadata)',
    );
  });
});

describe('checkCallbackUrl over every forbidden range', () => {
  const policy = { allowList: [] };
  const literal = (ip: string) => (ip.includes(':') ? `https://[${ip}]/hook` : `https://${ip}/hook`);

  it.each(FORBIDDEN_BY_RANGE)('refuses a host resolving into %s: %s', async (_range, ip) => {
    const result = await checkCallbackUrl('https://hooks.example.com/hook', policy, () =>
      Promise.resolve([ip]),
    );
    expect(result).toMatchObject({ ok: false, reason: 'FORBIDDEN_ADDRESS' });
  });

  it.each(FORBIDDEN_BY_RANGE)('refuses the IP literal of %s: %s', async (_range, ip) => {
    const resolve = jest.fn(() => Promise.resolve(['93.184.216.34']));
    const result = await checkCallbackUrl(literal(ip), policy, resolve);
    expect(result).toMatchObject({ ok: false, reason: 'FORBIDDEN_ADDRESS' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each(PUBLIC)('accepts a host resolving to the public address %s', async (ip) => {
    const result = await checkCallbackUrl('https://hooks.example.com/hook', policy, () =>
      Promise.resolve([ip]),
    );
    expect(result).toMatchObject({ ok: true, addresses: [ip] });
  });
});
