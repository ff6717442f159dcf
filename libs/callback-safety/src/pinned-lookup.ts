import { type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * A `lookup` for `http.request` / `https.request` (and `net.connect`) that answers only with addresses
 * `checkCallbackUrl` has already checked, whatever name it is asked for. The connection therefore goes
 * to a checked address: a DNS answer that changes between the check and the connection (DNS rebinding)
 * is never consulted. TLS still verifies the certificate against the URL's host name.
 *
 * ```ts
 * const checked = await checkCallbackUrl(subscription.url, policy); // again at send time, not only on save
 * if (!checked.ok) return deliveryRefused(checked.reason);
 * const request = https.request(checked.url, { method: 'POST', lookup: addressesPinnedLookup(checked.addresses) });
 * ```
 *
 * Callers must not follow redirects: treat any 3xx as a failed delivery (`http.request` never follows
 * them; with a client that does, set `maxRedirects: 0` / `redirect: 'manual'`), since the `Location`
 * could point anywhere. Do not send through an HTTP proxy either: the proxy would resolve the name itself.
 */
export function addressesPinnedLookup(addresses: readonly string[]): LookupFunction {
  if (addresses.length === 0) throw new Error('addressesPinnedLookup needs at least one checked address');
  const pinned: LookupAddress[] = addresses.map((address) => {
    const family = isIP(address);
    if (family === 0) throw new Error(`addressesPinnedLookup: "${address}" is not an IP address`);
    return { address, family };
  });

  return (hostname, options, callback) => {
    const wanted = familyOf(options.family);
    const matching = pinned.filter(({ family }) => wanted === 0 || family === wanted);
    const [first] = matching;
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`no checked IPv${wanted} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      error.syscall = 'getaddrinfo';
      process.nextTick(() => callback(error, ''));
    } else if (options.all === true) {
      const all = matching.map((entry) => ({ ...entry }));
      process.nextTick(() => callback(null, all));
    } else {
      process.nextTick(() => callback(null, first.address, first.family));
    }
  };
}

function familyOf(family: number | 'IPv4' | 'IPv6' | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
