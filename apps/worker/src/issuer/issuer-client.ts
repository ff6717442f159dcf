import { z } from 'zod';
import {
  type CallbackAttemptReport,
  type CallbackDelivery,
  callbackDelivery,
  type ExpiringTokensPage,
  expiringTokensPage,
  type ExpiryNoticeAnswer,
  expiryNoticeAnswer,
  type IdleSweepResult,
  idleSweepResult,
  INTERNAL_API_PREFIX,
  type InternalTokenState,
  internalTokenState,
  type RenewalOffer,
  renewalOffer,
} from '@latchkey/contracts';
import { activeTraceContext } from '@latchkey/service-runtime';

/**
 * What a call to the issuer's internal API came to:
 * - `ok`: the answer, validated;
 * - `refused`: a final no (409 with a `RenewalRefusal` code, or another 4xx that a retry cannot fix);
 * - `not-found`: 404, final;
 * - `transient`: network error, timeout, 5xx, 408/429, or 401/403 (a credential an operator can fix):
 *   retry later.
 */
export type IssuerResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'refused'; status: number; code: string; detail: string | null }
  | { kind: 'not-found' }
  | { kind: 'transient'; error: string };

export interface IssuerClientOptions {
  baseUrl: string;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const problemSchema = z.object({ code: z.string().optional(), detail: z.string().optional() });

/**
 * The worker's side of the issuer's internal API (`/internal/v1`, bearer INTERNAL_API_SECRET). Answers are
 * checked against the schemas in libs/contracts internal-api.ts.
 */
export class IssuerClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: IssuerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '') + INTERNAL_API_PREFIX;
    this.fetch = options.fetch ?? fetch;
  }

  getToken(tokenId: string): Promise<IssuerResult<InternalTokenState>> {
    return this.call('GET', `/tokens/${encodeURIComponent(tokenId)}`, undefined, internalTokenState);
  }

  /**
   * The token's current state for a job about to act on it: undefined when the issuer does not know it
   * (or refuses), and a throw, so the job is retried, when the issuer cannot be reached.
   */
  async currentTokenState(tokenId: string): Promise<InternalTokenState | undefined> {
    const answer = await this.getToken(tokenId);
    switch (answer.kind) {
      case 'ok':
        return answer.value;
      case 'not-found':
      case 'refused':
        return undefined;
      case 'transient':
        throw new Error(`reading the token failed: ${answer.error}`);
    }
  }

  /** 201 opens an offer, 200 returns the one already open for this `dueAt`. */
  openRenewalOffer(tokenId: string, dueAt: string): Promise<IssuerResult<RenewalOffer>> {
    return this.call(
      'POST',
      `/tokens/${encodeURIComponent(tokenId)}/renewal-offers`,
      { dueAt },
      renewalOffer,
    );
  }

  /** A freshly signed callback with a new redeem key, ready to send as is. */
  requestDelivery(offerId: string): Promise<IssuerResult<CallbackDelivery>> {
    return this.call(
      'POST',
      `/renewal-offers/${encodeURIComponent(offerId)}/deliveries`,
      {},
      callbackDelivery,
    );
  }

  reportAttempt(attemptId: string, report: CallbackAttemptReport): Promise<IssuerResult<void>> {
    return this.call('PUT', `/renewal-attempts/${encodeURIComponent(attemptId)}`, report, undefined);
  }

  /**
   * Announces (once) that the token expires at `expiresAt` in `daysBefore` days, before its reminder
   * mail goes out; the answer says whether the reminder still applies.
   */
  recordExpiryNotice(
    tokenId: string,
    expiresAt: string,
    daysBefore: number,
  ): Promise<IssuerResult<ExpiryNoticeAnswer>> {
    return this.call(
      'POST',
      `/tokens/${encodeURIComponent(tokenId)}/expiry-notices`,
      { expiresAt, daysBefore },
      expiryNoticeAnswer,
    );
  }

  /** One page of the tenant's tokens that get expiry reminders, after the token id `after`. */
  expiringTokens(tenantId: string, after: string | null): Promise<IssuerResult<ExpiringTokensPage>> {
    const query = after === null ? '' : `?after=${encodeURIComponent(after)}`;
    return this.call(
      'GET',
      `/tenants/${encodeURIComponent(tenantId)}/expiring-tokens${query}`,
      undefined,
      expiringTokensPage,
    );
  }

  /** Runs one sweep of the tenants' idle policies: warnings, then revocations that are due. */
  sweepIdleTokens(): Promise<IssuerResult<IdleSweepResult>> {
    return this.call('POST', '/idle-tokens/sweeps', {}, idleSweepResult);
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    schema: z.ZodType<T> | undefined,
  ): Promise<IssuerResult<T>> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.options.secret}`,
          accept: 'application/json, application/problem+json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          // fetch is not instrumented: the job's trace context goes along by hand (empty when off).
          ...activeTraceContext(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return {
        kind: 'transient',
        error: `${method} ${path}: ${describeFetchError(error, this.options.timeoutMs)}`,
      };
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      if (schema === undefined) return { kind: 'ok', value: undefined as T };
      const parsed = schema.safeParse(parseJson(text));
      if (!parsed.success) {
        return { kind: 'transient', error: `${method} ${path}: malformed answer (${status})` };
      }
      return { kind: 'ok', value: parsed.data };
    }
    const problem = problemSchema.safeParse(parseJson(text));
    const code = (problem.success ? problem.data.code : undefined) ?? `HTTP_${status}`;
    const detail = (problem.success ? problem.data.detail : undefined) ?? null;
    if (status === 404) return { kind: 'not-found' };
    if (status === 401 || status === 403) {
      return {
        kind: 'transient',
        error: `${method} ${path}: ${status} ${code} (is INTERNAL_API_SECRET the issuer's?)`,
      };
    }
    if (status === 408 || status === 429 || status >= 500 || status < 400) {
      return { kind: 'transient', error: `${method} ${path}: HTTP ${status} ${code}` };
    }
    return { kind: 'refused', status, code, detail };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  const code = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code.code === 'string') return code.code;
  if (typeof code.message === 'string') return code.message.slice(0, 200);
  return typeof message === 'string' ? message.slice(0, 200) : 'request failed';
}
