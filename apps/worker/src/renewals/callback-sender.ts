import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { addressesPinnedLookup } from '@latchkey/callback-safety';

export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface CallbackRequest {
  /** The URL as `checkCallbackUrl` returned it, checked at send time. */
  url: URL;
  /** The addresses that check resolved and approved; the connection goes to one of them. */
  addresses: readonly string[];
  /** Sent byte for byte: the signature covers it. */
  body: string;
  headers: Readonly<Record<string, string>>;
  /** Covers the whole attempt: connecting, sending and receiving the response. */
  timeoutMs: number;
  /** The response body is read up to this many bytes, then the connection is closed. */
  maxResponseBytes?: number;
}

export type CallbackResult =
  | { delivered: true; statusCode: number; durationMs: number }
  | { delivered: false; statusCode: number | null; durationMs: number; error: string };

class AttemptTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timeout after ${timeoutMs} ms`);
  }
}

/**
 * Sends one renewal callback: a POST of exactly `body` with `headers`, over a fresh connection to a
 * checked address (no connection reuse, no proxy), without following redirects: any status other than
 * 2xx, a 3xx included, is a failed delivery. The outcome is known when the response head arrives; the
 * body is then drained, at most `maxResponseBytes` of it, before the connection is closed. Never rejects.
 */
export function sendCallback(request: CallbackRequest): Promise<CallbackResult> {
  const cap = request.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: CallbackResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };

    const transport = request.url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(request.url, {
      method: 'POST',
      headers: withDefaults(request.headers, request.body),
      agent: false,
      lookup: addressesPinnedLookup(request.addresses),
    });
    const deadline = setTimeout(
      () => outgoing.destroy(new AttemptTimeout(request.timeoutMs)),
      request.timeoutMs,
    );
    const stop = () => {
      clearTimeout(deadline);
      outgoing.destroy();
    };

    outgoing.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const durationMs = elapsed();
      if (statusCode >= 200 && statusCode < 300) settle({ delivered: true, statusCode, durationMs });
      else {
        const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
        settle({ delivered: false, statusCode, durationMs, error: `HTTP ${statusCode}${redirect}` });
      }
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= cap) stop();
      });
      response.on('end', stop);
      response.on('error', stop);
    });
    outgoing.on('error', (error) => {
      clearTimeout(deadline);
      settle({ delivered: false, statusCode: null, durationMs: elapsed(), error: describeError(error) });
    });
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.end(request.body);
  });
}

function withDefaults(headers: Readonly<Record<string, string>>, body: string): Record<string, string> {
  const result: Record<string, string> = { ...headers };
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!names.has('content-type')) result['content-type'] = 'application/json';
  if (!names.has('user-agent')) result['user-agent'] = 'Latchkey-Callbacks/1';
  for (const name of Object.keys(result)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding')
      delete result[name];
  }
  result['content-length'] = String(Buffer.byteLength(body));
  return result;
}

/** A short description for the attempt record: never the request or response content. */
function describeError(error: Error): string {
  if (error instanceof AttemptTimeout) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  return error.message.slice(0, 200);
}
