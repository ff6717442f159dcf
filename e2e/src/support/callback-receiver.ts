import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort, waitFor } from '@latchkey/testing';

/*
 * A third party's renewal receiver, for the e2e specs: a real HTTP server on 127.0.0.1 that records every
 * request and checks its `Latchkey-Signature` header on its own (node:crypto only, deliberately not
 * @latchkey/callback-signing, so a bug shared by signer and verifier cannot hide), as the receiver example
 * in docs/renewals.md does.
 */

/** Largest accepted distance between the signed `t` and the receiver's clock (the documented 5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | {
      ok: true;
      /** The signed unix time. */
      timestamp: number;
      /** How many entries of the checked version the header carried (two while a secret is being rotated). */
      signatures: number;
    }
  | {
      ok: false;
      reason: 'NO_SECRETS' | 'MALFORMED_HEADER' | 'NO_MATCHING_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE';
      signatures: number;
    };

/**
 * Checks a `Latchkey-Signature` header (`t=<unix>,v1=<hex>,v2=<hex>[,…]`) against the raw body. With
 * `destinationUrl` (what the receiver does for every callback: the URL it was called at), valid when some
 * `v2` equals the lowercase hex HMAC-SHA256 of `"<t>.<normalised URL>\n<raw body>"`; without, the
 * deprecated `v1` over `"<t>.<raw body>"`. Under some of `secrets` (compared in constant time), and `t`
 * within the tolerance of `nowSeconds`.
 */
export function checkSignature(
  rawBody: string,
  header: string | string[] | undefined,
  secrets: readonly string[],
  options: { destinationUrl?: string; nowSeconds?: number } = {},
): SignatureCheck {
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const parsed = parseSignatureHeader(header);
  const version = options.destinationUrl === undefined ? 'v1' : 'v2';
  const candidates = parsed?.[version] ?? [];
  const signatures = candidates.length;
  if (secrets.length === 0) return { ok: false, reason: 'NO_SECRETS', signatures };
  if (!parsed) return { ok: false, reason: 'MALFORMED_HEADER', signatures };
  const signed =
    options.destinationUrl === undefined
      ? `${parsed.t}.${rawBody}`
      : `${parsed.t}.${new URL(options.destinationUrl).href}\n${rawBody}`;
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(createHmac('sha256', secret).update(signed, 'utf8').digest('hex'));
    for (const candidate of candidates) {
      const given = Buffer.from(candidate);
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'NO_MATCHING_SIGNATURE', signatures };
  const timestamp = Number(parsed.t);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE', signatures };
  }
  return { ok: true, timestamp, signatures };
}

function parseSignatureHeader(
  header: string | string[] | undefined,
): { t: string; v1: string[]; v2: string[] } | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  let t: string | undefined;
  const v1: string[] = [];
  const v2: string[] = [];
  for (const entry of header.split(',')) {
    const item = entry.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === 't') {
      if (t !== undefined || !/^(0|[1-9][0-9]*)$/.test(value)) return undefined;
      t = value;
    } else if (key === 'v1' || key === 'v2') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined;
      (key === 'v1' ? v1 : v2).push(value);
    }
  }
  return t === undefined || v1.length + v2.length === 0 ? undefined : { t, v1, v2 };
}

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/hooks/acme`. */
  path: string;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The body exactly as received (what the signature covers). */
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Receiver clock, epoch milliseconds. */
  receivedAt: number;
  /** The signature check against the endpoint's trusted secrets at the moment of receipt. */
  signature: SignatureCheck;
  /** The status answered; undefined while held, or when the sender went away before an answer. */
  answeredWith?: number;
}

/**
 * How an endpoint answers: a status code, a status with headers (e.g. a redirect), or `'hold'`: accept the
 * request and never answer it until `release()` (a receiver stuck mid-delivery).
 */
export type Answer =
  number | { status: number; headers: Record<string, string> } | { status: number; delayMs: number } | 'hold';

interface Held {
  request: ReceivedRequest;
  response: ServerResponse;
}

/** One callback URL on the receiver, with its own answers and trusted secrets. */
export class CallbackEndpoint {
  readonly requests: ReceivedRequest[] = [];
  private secrets: string[] = [];
  private queue: Answer[] = [];
  private fallback: Answer = 200;
  private readonly held: Held[] = [];

  constructor(
    readonly path: string,
    readonly url: string,
  ) {}

  /** The secrets a signature may match; a request signed with none of them is answered 401. */
  trust(...secrets: string[]): this {
    this.secrets = secrets;
    return this;
  }

  get trustedSecrets(): readonly string[] {
    return this.secrets;
  }

  /** Answer every request the same way. */
  respondWith(answer: Answer): this {
    this.queue = [];
    this.fallback = answer;
    return this;
  }

  /** Answer the next requests with `answers` in turn, then every later one with `then`. */
  respondInTurn(answers: readonly Answer[], then: Answer = 200): this {
    this.queue = [...answers];
    this.fallback = then;
    return this;
  }

  /** Answers every held request with `status` now. */
  release(status = 200): void {
    for (const { request, response } of this.held.splice(0)) {
      if (response.writableEnded || response.destroyed) continue;
      request.answeredWith = status;
      response.writeHead(status).end();
    }
  }

  /** The `n`-th request (1-based) matching `filter`, once it has arrived. */
  nth(
    n: number,
    filter: (request: ReceivedRequest) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<ReceivedRequest> {
    return waitFor(() => this.requests.filter(filter)[n - 1], {
      timeoutMs,
      intervalMs: 20,
      what: `request #${n} to ${this.path}`,
    });
  }

  /** The renewal callbacks (parsed bodies) received for a token, in order of arrival. */
  callbacksFor(tokenId: string): ReceivedRequest[] {
    return this.requests.filter((request) => bodyField(request, 'tokenId') === tokenId);
  }

  /** The `n`-th callback (1-based) for a token. */
  nthCallback(n: number, tokenId: string, timeoutMs = 30_000): Promise<ReceivedRequest> {
    return this.nth(n, (request) => bodyField(request, 'tokenId') === tokenId, timeoutMs);
  }

  /** Called by the receiver for every request to this path. */
  handle(request: ReceivedRequest, response: ServerResponse): void {
    this.requests.push(request);
    if (this.secrets.length > 0 && !request.signature.ok) {
      // A real receiver refuses what it cannot authenticate.
      request.answeredWith = 401;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: request.signature.reason }));
      return;
    }
    const answer = this.queue.length > 0 ? (this.queue.shift() as Answer) : this.fallback;
    if (answer === 'hold') {
      this.held.push({ request, response });
      response.once('close', () => {
        const index = this.held.findIndex((entry) => entry.response === response);
        if (index >= 0) this.held.splice(index, 1);
      });
      return;
    }
    if (typeof answer === 'object' && 'delayMs' in answer) {
      // A slow receiver: answers, but only after `delayMs`.
      setTimeout(() => {
        if (response.writableEnded || response.destroyed) return;
        request.answeredWith = answer.status;
        response.writeHead(answer.status).end();
      }, answer.delayMs);
      return;
    }
    const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
    request.answeredWith = status;
    response.writeHead(status, headers).end();
  }
}

/** The field of a request's JSON body, when the body is a JSON object. */
export function bodyField(request: ReceivedRequest, field: string): unknown {
  const json = request.json;
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[field] : undefined;
}

/**
 * The receiver: one HTTP server, many endpoints (one per test, so tests sharing a system do not see each
 * other's callbacks). Requests to a path without an endpoint are recorded in `unrouted` and answered 404.
 */
export class CallbackReceiver {
  readonly unrouted: ReceivedRequest[] = [];
  private readonly endpoints = new Map<string, CallbackEndpoint>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<CallbackReceiver> {
    const port = await freePort();
    const server = createServer();
    const receiver = new CallbackReceiver(server, port);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => receiver.dispatch(req.method ?? '', req.url ?? '/', req.headers, chunks, res));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `CALLBACK_ALLOW_LIST` entry that lets the services reach this receiver (http and https). */
  get allowListEntry(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A new endpoint at `path` (answering 200 until told otherwise). */
  endpoint(path: string): CallbackEndpoint {
    if (this.endpoints.has(path)) throw new Error(`endpoint ${path} exists already`);
    const endpoint = new CallbackEndpoint(path, `${this.url}${path}`);
    this.endpoints.set(path, endpoint);
    return endpoint;
  }

  /** Every request received, on any path, in order of arrival. */
  get requests(): ReceivedRequest[] {
    return [...[...this.endpoints.values()].flatMap((e) => e.requests), ...this.unrouted].sort(
      (a, b) => a.receivedAt - b.receivedAt,
    );
  }

  /** Stops listening and destroys every open connection, held requests included. */
  async close(): Promise<void> {
    for (const endpoint of this.endpoints.values()) endpoint.release(503);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dispatch(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
    response: ServerResponse,
  ): void {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const endpoint = this.endpoints.get(path);
    const request: ReceivedRequest = {
      method,
      path,
      headers,
      rawBody,
      json: parseJson(rawBody),
      receivedAt: Date.now(),
      // As a receiver should: v2, against the URL it was called at.
      signature: checkSignature(rawBody, headers['latchkey-signature'], endpoint?.trustedSecrets ?? [], {
        destinationUrl: endpoint?.url,
      }),
    };
    if (!endpoint) {
      this.unrouted.push(request);
      request.answeredWith = 404;
      response.writeHead(404).end();
      return;
    }
    endpoint.handle(request, response);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
