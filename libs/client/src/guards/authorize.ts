import { VerifyReason } from '@latchkey/contracts';
import { VerifyError } from '../verify/errors';
import { refuseMalformed } from '../verify/local-check';
import type { TokenVerifier, Verdict, VerifyNeeds } from '../verify/types';

/** What a protected route requires of the token on a request. */
export interface GuardOptions<Request> {
  /** Scopes the route needs; the token must have every one, effectively (as of its owner's role now). */
  requiredScopes?: string[];
  /** The resource the request touches (e.g. a project id from the path), or a function reading it. */
  resource?: string | ((request: Request) => string | undefined);
  /** The route checks the verdict's `resources` itself (see VerifyRequest.callerEnforcesResources). */
  callerEnforcesResources?: boolean;
}

/** RFC 9457 problem details, as Latchkey's services write them: branch on `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

export type Authorization =
  | { ok: true; verdict: Verdict }
  | { ok: false; status: number; headers: Record<string, string>; problem: Problem };

const PROBLEM_BASE = 'https://latchkey.dev/problems/';

/** The refusals that mean "this token does not authenticate" (401); the others are "not for this" (403). */
const FORBIDDEN = new Set<string>([
  VerifyReason.InsufficientScope,
  VerifyReason.ResourceForbidden,
  VerifyReason.ResourceRequired,
]);

const DETAILS: Record<string, string> = {
  UNAUTHENTICATED: 'This route needs a Latchkey API token: send it as `Authorization: Bearer lk_…`.',
  [VerifyReason.Malformed]: 'The bearer token is not a well-formed Latchkey API token.',
  [VerifyReason.NotFound]: 'The bearer token is not a known API token.',
  [VerifyReason.Revoked]: 'The bearer token has been revoked.',
  [VerifyReason.Expired]: 'The bearer token has expired.',
  [VerifyReason.OwnerInactive]: "The bearer token's owner is no longer a member of its tenant.",
  [VerifyReason.PlanInactive]: "The bearer token's tenant has no API access on its current plan.",
  [VerifyReason.InsufficientScope]: 'The bearer token lacks a scope this route requires.',
  [VerifyReason.ResourceForbidden]: 'The bearer token is restricted to other resources than this one.',
  [VerifyReason.ResourceRequired]: 'The bearer token is restricted to resources and this route named none.',
  VERIFIER_UNAVAILABLE: 'The token could not be verified right now; try again shortly.',
};

/** The token of an `Authorization: Bearer …` header, or undefined when there is none. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1] : '';
}

/**
 * The decision for one request: verifies its bearer token with the route's needs. A missing header is
 * 401 UNAUTHENTICATED and a malformed token 401 MALFORMED, both without calling the verifier; a refusal
 * is 401 or 403 with the verifier's reason as `code`; no verdict (verifier unreachable, deadline, …) is
 * 503 VERIFIER_UNAVAILABLE: the guard fails closed.
 */
export async function authorize<Request>(
  verifier: TokenVerifier,
  authorizationHeader: string | string[] | undefined,
  request: Request,
  options: GuardOptions<Request>,
): Promise<Authorization> {
  const token = bearerToken(authorizationHeader);
  if (token === undefined) return refusal(401, 'UNAUTHENTICATED');
  const malformed = refuseMalformed(token);
  if (malformed !== undefined) return refusal(401, malformed.reason);
  const needs: VerifyNeeds = {
    requiredScopes: options.requiredScopes,
    resource: typeof options.resource === 'function' ? options.resource(request) : options.resource,
    callerEnforcesResources: options.callerEnforcesResources,
  };
  let verdict: Verdict;
  try {
    verdict = await verifier.verify(token, needs);
  } catch (error) {
    if (error instanceof VerifyError) return refusal(503, 'VERIFIER_UNAVAILABLE');
    throw error;
  }
  if (verdict.valid && verdict.reason === VerifyReason.Ok) return { ok: true, verdict };
  return refusal(FORBIDDEN.has(verdict.reason) ? 403 : 401, verdict.reason, options.requiredScopes);
}

function refusal(status: number, code: string, scopes?: string[]): Authorization {
  const headers: Record<string, string> = {};
  if (status === 401) {
    headers['WWW-Authenticate'] = code === 'UNAUTHENTICATED' ? 'Bearer' : 'Bearer error="invalid_token"';
  } else if (status === 403) {
    const scope = scopes?.length ? `, scope="${scopes.join(' ')}"` : '';
    headers['WWW-Authenticate'] = `Bearer error="insufficient_scope"${scope}`;
  } else if (status === 503) {
    headers['Retry-After'] = '1';
  }
  return { ok: false, status, headers, problem: problemOf(status, code) };
}

const TITLES: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

function problemOf(status: number, code: string): Problem {
  return {
    type: PROBLEM_BASE + code.toLowerCase().replaceAll('_', '-'),
    title: TITLES[status] ?? 'Error',
    status,
    // An unknown (newer) reason is a refusal like any other.
    detail: DETAILS[code] ?? `The bearer token was refused (${code}).`,
    code,
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
