import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenRangeOf } from './forbidden-addresses';

/**
 * The SSRF guard for third-party callback URLs (issue 4): a callback URL must be https and must not
 * resolve to a loopback, private, link-local or metadata address. Check it when it is saved and again
 * right before every send, then connect only to the addresses that check returned
 * (`addressesPinnedLookup`) and never follow redirects.
 */
export interface CallbackPolicy {
  /**
   * Named local receivers for development and tests only: origins (`http://127.0.0.1:4010`) or
   * `host:port` entries (either scheme). They may use plain http and skip the address rules. Matched
   * exactly on scheme, host and port. Build it with `parseAllowList`; leave it empty in production.
   */
  allowList: readonly string[];
}

export type CallbackRefusal =
  'INVALID_URL' | 'HTTPS_REQUIRED' | 'CREDENTIALS_IN_URL' | 'UNRESOLVABLE_HOST' | 'FORBIDDEN_ADDRESS';

/**
 * `detail` is meant for server logs: it can name the address a host resolved to. Answer API clients
 * (and anything they can read, such as delivery attempts) with `publicRefusalOf(reason)` only, so the
 * check cannot be used to map internal DNS.
 */
export type CallbackCheck =
  { ok: true; url: URL; addresses: string[] } | { ok: false; reason: CallbackRefusal; detail: string };

/** The refusals that may be told outside: whether a host name resolves is not among them. */
export type PublicCallbackRefusal = Exclude<CallbackRefusal, 'UNRESOLVABLE_HOST'>;

/**
 * A host name that does not resolve and one that resolves to a forbidden address get the same answer:
 * otherwise the check tells a caller which internal names exist.
 */
export function publicRefusalOf(reason: CallbackRefusal): PublicCallbackRefusal {
  return reason === 'UNRESOLVABLE_HOST' ? 'FORBIDDEN_ADDRESS' : reason;
}

/** Why a callback URL was refused, in words for API clients; never an address, never "does not resolve". */
export const PUBLIC_REFUSAL_MESSAGES: Record<PublicCallbackRefusal, string> = {
  INVALID_URL: 'it is not an absolute URL',
  HTTPS_REQUIRED: 'callbacks must use https',
  CREDENTIALS_IN_URL: 'it must not carry a user name or password',
  FORBIDDEN_ADDRESS:
    'its host does not resolve to a public address (loopback, private, link-local and metadata ' +
    'addresses are refused)',
};

/** Resolves a host name to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

export const defaultResolver: HostResolver = async (hostname) => {
  const records = await lookup(hostname, { all: true, order: 'verbatim' });
  return records.map((record) => record.address);
};

const ENTRY_HINT = 'expected an origin such as http://127.0.0.1:4010 or a host:port such as localhost:4010';

/**
 * Parses a comma-separated allow-list (e.g. `CALLBACK_ALLOW_LIST`) into normalised origins. A `host:port`
 * entry permits that host and port over http and https. Throws an Error naming the first bad entry.
 */
export function parseAllowList(text: string | undefined): string[] {
  const origins = new Set<string>();
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const parsed = originsOf(entry);
    if (typeof parsed === 'string') {
      throw new Error(`Invalid callback allow-list entry "${entry}": ${parsed}; ${ENTRY_HINT}.`);
    }
    parsed.forEach((origin) => origins.add(origin));
  }
  return [...origins];
}

/**
 * Decides whether a callback may be sent to `url`. Allow-listed origins pass without the https and
 * address rules; every other URL must be https, carry no credentials, and resolve only to public
 * addresses: one forbidden address among several is enough to refuse, since the connection could use it.
 */
export async function checkCallbackUrl(
  url: string,
  policy: CallbackPolicy,
  resolve: HostResolver = defaultResolver,
): Promise<CallbackCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('INVALID_URL', 'not an absolute URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse('CREDENTIALS_IN_URL', 'the URL carries a user name or password');
  }
  const allowListed = isAllowListed(parsed, policy);
  if (!allowListed && parsed.protocol !== 'https:') {
    return refuse('HTTPS_REQUIRED', `scheme "${parsed.protocol}" is not allowed; callbacks must use https`);
  }

  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const resolution = isIP(host) === 0 ? await resolveHost(host, resolve) : { addresses: [host] };
  if ('refusal' in resolution) return resolution.refusal;
  const { addresses } = resolution;

  if (!allowListed) {
    for (const address of addresses) {
      const range = forbiddenRangeOf(address);
      if (range !== undefined) {
        const target = address === host ? address : `${host} resolves to ${address}, which`;
        return refuse('FORBIDDEN_ADDRESS', `${target} is a forbidden address (${range})`);
      }
    }
  }
  return { ok: true, url: parsed, addresses };
}

async function resolveHost(
  host: string,
  resolve: HostResolver,
): Promise<{ addresses: string[] } | { refusal: CallbackCheck }> {
  let answer: readonly string[];
  try {
    answer = await resolve(host);
  } catch (error) {
    return { refusal: refuse('UNRESOLVABLE_HOST', `${host} could not be resolved (${errorCode(error)})`) };
  }
  const addresses = [...new Set(answer)];
  if (addresses.length === 0) {
    return { refusal: refuse('UNRESOLVABLE_HOST', `${host} has no addresses`) };
  }
  const malformed = addresses.find((address) => isIP(address) === 0);
  if (malformed !== undefined) {
    return { refusal: refuse('UNRESOLVABLE_HOST', `${host} resolved to "${malformed}", not an IP address`) };
  }
  return { addresses };
}

function isAllowListed(url: URL, policy: CallbackPolicy): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // Entries that do not parse match nothing (parseAllowList is where they are reported).
  return policy.allowList.some((entry) => {
    const origins = originsOf(entry.trim());
    return typeof origins !== 'string' && origins.includes(url.origin);
  });
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[^\s:/?#@[\]\\]+):(\d{1,5})$/i;

/** The normalised origins an allow-list entry permits, or why it is not a valid entry. */
function originsOf(entry: string): string[] | string {
  if (!SCHEME.test(entry)) {
    if (!HOST_PORT.test(entry)) return 'not an origin and not a host:port';
    const http = tryUrl(`http://${entry}`);
    const https = tryUrl(`https://${entry}`);
    if (http === undefined || https === undefined) return 'not a valid host:port';
    return [http.origin, https.origin];
  }
  const url = tryUrl(entry);
  if (url === undefined) return 'not a valid URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the scheme must be http or https';
  if (url.username !== '' || url.password !== '') return 'an origin carries no credentials';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(entry)) {
    return 'an origin has no path, query or fragment';
  }
  return [url.origin];
}

function tryUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function refuse(reason: CallbackRefusal, detail: string): CallbackCheck {
  return { ok: false, reason, detail };
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : 'lookup failed';
}
