import { BlockList, isIP } from 'node:net';

/**
 * Addresses a third-party callback must never reach: loopback, private, link-local (cloud metadata),
 * shared, documentation, benchmarking, multicast and reserved ranges. Everything else is public.
 *
 * IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by the IPv4 address they carry, so `::ffff:127.0.0.1` is loopback while
 * `::ffff:93.184.216.34` is public.
 */
interface ForbiddenRange {
  network: string;
  prefix: number;
  label: string;
}

const IPV4_RANGES: readonly ForbiddenRange[] = [
  { network: '0.0.0.0', prefix: 8, label: '"this network"' },
  { network: '10.0.0.0', prefix: 8, label: 'private' },
  { network: '100.64.0.0', prefix: 10, label: 'shared address space (CGNAT)' },
  { network: '127.0.0.0', prefix: 8, label: 'loopback' },
  { network: '169.254.0.0', prefix: 16, label: 'link-local (cloud metadata)' },
  { network: '172.16.0.0', prefix: 12, label: 'private' },
  { network: '192.0.0.0', prefix: 24, label: 'IETF protocol assignments' },
  { network: '192.0.2.0', prefix: 24, label: 'documentation' },
  { network: '192.168.0.0', prefix: 16, label: 'private' },
  { network: '198.18.0.0', prefix: 15, label: 'benchmarking' },
  { network: '198.51.100.0', prefix: 24, label: 'documentation' },
  { network: '203.0.113.0', prefix: 24, label: 'documentation' },
  { network: '224.0.0.0', prefix: 4, label: 'multicast' },
  { network: '255.255.255.255', prefix: 32, label: 'limited broadcast' },
  { network: '240.0.0.0', prefix: 4, label: 'reserved' },
];

const IPV6_RANGES: readonly ForbiddenRange[] = [
  { network: '::', prefix: 128, label: 'unspecified' },
  { network: '::1', prefix: 128, label: 'loopback' },
  // Beyond the list: deprecated IPv4-compatible addresses (`::a.b.c.d`) have no public use.
  { network: '::', prefix: 96, label: 'IPv4-compatible (deprecated)' },
  // Beyond the list: local-use NAT64 (RFC 8215) translates into the operator's own network.
  { network: '64:ff9b:1::', prefix: 48, label: 'local-use NAT64' },
  // Beyond the list: discard-only prefix (RFC 6666).
  { network: '100::', prefix: 64, label: 'discard-only' },
  { network: '2001:db8::', prefix: 32, label: 'documentation' },
  // Includes the AWS IPv6 instance metadata endpoint fd00:ec2::254.
  { network: 'fc00::', prefix: 7, label: 'unique local (includes fd00:ec2::254 metadata)' },
  { network: 'fe80::', prefix: 10, label: 'link-local' },
  // Beyond the list: deprecated site-local addresses are internal by definition.
  { network: 'fec0::', prefix: 10, label: 'site-local (deprecated)' },
  { network: 'ff00::', prefix: 8, label: 'multicast' },
];

type Family = 'ipv4' | 'ipv6';

const compile = (ranges: readonly ForbiddenRange[], family: Family) =>
  ranges.map(({ network, prefix, label }) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, label };
  });

const IPV4_LISTS = compile(IPV4_RANGES, 'ipv4');
const IPV6_LISTS = compile(IPV6_RANGES, 'ipv6');

/**
 * True when `ip` is in a forbidden range. Anything that is not a plain IP address (a name, `127.1`,
 * an IPv6 address with a zone id such as `fe80::1%eth0`) is forbidden too: the guard fails closed.
 */
export function isForbiddenAddress(ip: string): boolean {
  return forbiddenRangeOf(ip) !== undefined;
}

/** The name of the forbidden range `ip` belongs to (for log details), or undefined when it is public. */
export function forbiddenRangeOf(ip: string): string | undefined {
  // A zone id only ever qualifies a link-local (or otherwise scoped) address.
  if (ip.includes('%')) return 'scoped address (zone id)';
  switch (isIP(ip)) {
    case 4:
      return ipv4RangeOf(ip);
    case 6:
      return ipv6RangeOf(ip);
    default:
      return 'not an IP address';
  }
}

function ipv4RangeOf(ip: string): string | undefined {
  return IPV4_LISTS.find(({ list }) => list.check(ip, 'ipv4'))?.label;
}

function ipv6RangeOf(ip: string): string | undefined {
  const groups = ipv6Groups(ip);
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) {
    const range = ipv4RangeOf(embedded.ipv4);
    return range === undefined ? undefined : `${embedded.kind} of ${embedded.ipv4}, ${range}`;
  }
  return IPV6_LISTS.find(({ list }) => list.check(ip, 'ipv6'))?.label;
}

/** The IPv4 address carried by an IPv4-mapped, NAT64 (well-known prefix) or 6to4 IPv6 address. */
function embeddedIpv4(groups: readonly number[]): { kind: string; ipv4: string } | undefined {
  const startsWith = (...prefix: number[]) => prefix.every((group, i) => groups[i] === group);
  if (startsWith(0, 0, 0, 0, 0, 0xffff)) return { kind: 'IPv4-mapped', ipv4: ipv4Of(groups[6], groups[7]) };
  if (startsWith(0x64, 0xff9b, 0, 0, 0, 0)) return { kind: 'NAT64', ipv4: ipv4Of(groups[6], groups[7]) };
  if (startsWith(0x2002)) return { kind: '6to4', ipv4: ipv4Of(groups[1], groups[2]) };
  return undefined;
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an address that `net.isIP` accepted as IPv6 (no zone id). */
function ipv6Groups(ip: string): number[] {
  const lastColon = ip.lastIndexOf(':');
  const last = ip.slice(lastColon + 1);
  // A trailing dotted quad (`::ffff:127.0.0.1`) is two groups written in decimal.
  const text = last.includes('.') ? ip.slice(0, lastColon + 1) + dottedToGroups(last) : ip;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', tail] = text.split('::');
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

function dottedToGroups(dotted: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}
