import * as http from 'node:http';
import * as https from 'node:https';
import { VerifyError } from './errors';
import { refuseMalformed } from './local-check';
import { retryPolicy, withRetries } from './retry';
import type { RetryPolicy, TokenVerifier, Verdict, VerifyClientOptions, VerifyNeeds } from './types';

export interface HttpVerifyClientOptions extends VerifyClientOptions {
  /** The verifier's HTTP base URL, e.g. `http://verifier:3001`. */
  baseUrl: string;
  /** Default: one keep-alive agent per client, so connections are reused across calls. */
  agent?: http.Agent;
}

/** Errors of the socket that mean the verifier was not reached or went away: worth another attempt. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * `POST /v1/verify` over keep-alive connections. Each call has a deadline; a verifier that cannot be
 * reached or answers 503 (UNAVAILABLE) is retried, nothing else.
 */
export class HttpVerifyClient implements TokenVerifier {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly ownsAgent: boolean;
  private readonly deadlineMs: number;
  private readonly retry: RetryPolicy;
  private readonly checkFormat: boolean;

  constructor(options: HttpVerifyClientOptions) {
    this.url = new URL('v1/verify', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    const secure = this.url.protocol === 'https:';
    this.ownsAgent = options.agent === undefined;
    this.agent = options.agent ?? new (secure ? https.Agent : http.Agent)({ keepAlive: true });
    this.deadlineMs = options.deadlineMs ?? 2_000;
    this.retry = retryPolicy(options.retry);
    this.checkFormat = options.checkFormat ?? true;
  }

  async verify(token: string, needs: VerifyNeeds = {}): Promise<Verdict> {
    if (this.checkFormat) {
      const refused = refuseMalformed(token);
      if (refused !== undefined) return refused;
    }
    const body = JSON.stringify({ ...needs, token });
    return withRetries(this.retry, Date.now() + this.deadlineMs, (deadline) => this.call(body, deadline));
  }

  /** Closes the pooled connections (only those of the agent this client made). */
  close(): void {
    if (this.ownsAgent) this.agent.destroy();
  }

  private call(body: string, deadline: number): Promise<Verdict> {
    const send = this.url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, application/problem+json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(networkError(error)));
          response.on('end', () => {
            clearTimeout(timer);
            try {
              resolve(answer(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      const timer = setTimeout(
        () => {
          request.destroy();
          reject(new VerifyError('DEADLINE_EXCEEDED', 'the verifier did not answer within the deadline'));
        },
        Math.max(0, deadline - Date.now()),
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(networkError(error));
      });
      request.end(body);
    });
  }
}

function answer(status: number, text: string): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const code = typeof body === 'object' && body !== null && 'code' in body ? String(body.code) : undefined;
  const details = { httpStatus: status, code };
  if (status === 200 && typeof body === 'object' && body !== null && 'reason' in body) return body as Verdict;
  if (status === 503) return fail('UNAVAILABLE', `verifier unavailable (503 ${code ?? 'no code'})`, details);
  if (status === 429) return fail('RATE_LIMITED', `verifier refused (429 ${code ?? 'no code'})`, details);
  return fail('REJECTED', `verifier answered ${status} ${code ?? ''}`.trim(), details);
}

function fail(kind: VerifyError['kind'], message: string, details: VerifyError['details']): never {
  throw new VerifyError(kind, message, details);
}

function networkError(error: Error & { code?: string }): VerifyError {
  const kind = error.code !== undefined && UNREACHABLE.has(error.code) ? 'UNAVAILABLE' : 'REJECTED';
  return new VerifyError(kind, `verifier not reached: ${error.code ?? error.message}`, { cause: error });
}
