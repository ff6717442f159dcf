import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { Logger } from '@nestjs/common';
import type { z } from 'zod';
import {
  characterCount,
  VERIFY_CALLER_MAX_LENGTH,
  VERIFY_CALLER_PATTERN,
  VERIFY_MAX_SCOPES,
  VERIFY_MAX_TEXT_LENGTH,
  verifyRequest,
  type VerifyRequest,
} from '@latchkey/contracts';
import {
  assertSafeValue,
  DomainError,
  jsonDepthExceeds,
  MAX_JSON_DEPTH,
  problemFor,
  problemHeaders,
  type ProblemDetails,
} from '@latchkey/service-runtime';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import type { VerificationService } from './verification.service';

/** Verify requests are one short string; anything bigger is refused before parsing (413). */
export const VERIFY_BODY_LIMIT_BYTES = 16 * 1024;

/** The caller address of the refusal limit for a request (the TCP peer, or what a trusted proxy says). */
export type CallerAddress = (request: IncomingMessage) => string;

/** Told of every verify answered: its reason (verdict or error) and `performance.now()` at arrival. */
export type VerifyObserver = Pick<VerifierMetrics, 'verified'>;

const UNOBSERVED: VerifyObserver = { verified: () => undefined };

/**
 * Whether `request` is `POST /v1/verify`, matched as Express routes it: case-insensitively, with or
 * without a trailing slash, with any query string.
 */
export function isVerifyRequest(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).toLowerCase();
  return path === '/v1/verify' || path === '/v1/verify/';
}

/**
 * `POST /v1/verify` on node:http, below the framework: the HTTP twin of the gRPC TokenVerifier at the
 * transport's own speed. It answers exactly as the Express pipeline did (safe-text, JSON body and
 * ValidationPipe, problem+json filter), step by step in the same order:
 *
 *   1. a query string holding unsafe text: 400 INVALID_CHARACTERS;
 *   2. a Content-Encoding other than identity: 415 UNSUPPORTED_CONTENT_ENCODING;
 *   3. a JSON body (Content-Type application/json) in a charset other than UTF-8/UTF-16: 415
 *      UNSUPPORTED_MEDIA_TYPE; over 16 KB: 413 PAYLOAD_TOO_LARGE; nested deeper than 64 levels: 400
 *      BODY_TOO_DEEP (from the bytes, before parsing); not JSON or not an object/array: 400
 *      MALFORMED_BODY; a control character or lone surrogate anywhere: 400 INVALID_CHARACTERS;
 *      a body of another type, or none, counts as `{}`;
 *   4. the body against `verifyRequest` (libs/contracts): 400 VALIDATION_FAILED with every violation,
 *      worded as before;
 *   5. the verdict (200) or the service's refusal: 429 RATE_LIMITED with Retry-After, 503
 *      VERIFIER_UNAVAILABLE with Retry-After: 1.
 *
 * Every answer is written here; nothing thrown escapes to Node (an unexpected error is logged and
 * answered like the filter answers it).
 */
export class VerifyHttpHandler {
  private readonly logger = new Logger('VerifyHttp');

  constructor(
    private readonly verification: Pick<VerificationService, 'verify' | 'verifyNow'>,
    private readonly callerAddress: CallerAddress,
    private readonly observer: VerifyObserver = UNOBSERVED,
  ) {}

  /** Answers `request` (one for which `isVerifyRequest` holds). */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const startedAt = performance.now();
    try {
      this.checkQuery(request);
      checkContentEncoding(request);
      const charset = jsonCharset(request);
      if (charset === null) {
        this.answerBody(request, response, {}, startedAt);
        return;
      }
      this.readBody(request, response, charset, startedAt);
    } catch (error) {
      this.fail(request, response, error, startedAt);
    }
  }

  private checkQuery(request: IncomingMessage): void {
    const url = request.url ?? '';
    const at = url.indexOf('?');
    // The query as Express's "simple" parser reads it (node:querystring).
    if (at >= 0) assertSafeValue(parseQuery(url.slice(at + 1)), 'query');
  }

  private readBody(
    request: IncomingMessage,
    response: ServerResponse,
    charset: string,
    startedAt: number,
  ): void {
    const declared = Number(request.headers['content-length']);
    if (declared > VERIFY_BODY_LIMIT_BYTES) {
      this.fail(request, response, payloadTooLarge(), startedAt);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      received += chunk.length;
      if (received > VERIFY_BODY_LIMIT_BYTES) {
        done = true;
        chunks.length = 0;
        this.fail(request, response, payloadTooLarge(), startedAt);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => {
      if (done) return;
      done = true;
      try {
        const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
        this.answerBody(request, response, parseJsonBody(bytes, charset), startedAt);
      } catch (error) {
        this.fail(request, response, error, startedAt);
      }
    });
    // The client went away mid-body: there is no one to answer.
    request.once('error', () => {
      done = true;
    });
  }

  private answerBody(
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
    startedAt: number,
  ): void {
    const parsed = validateVerifyRequest(body);
    if (!parsed.success) {
      const errors = validationMessages(body, parsed.error);
      const invalid = new DomainError('VALIDATION_FAILED', 400, errors.join('; '), { errors });
      this.fail(request, response, invalid, startedAt);
      return;
    }
    const input = parsed.data;
    const token = input.token;
    const needs = {
      // As the framework path passed them: null stays null (an optional field may be null).
      requiredScopes: input.requiredScopes as string[] | undefined,
      resource: input.resource as string | undefined,
      callerEnforcesResources: input.callerEnforcesResources === true,
      caller: input.caller ?? undefined,
    };
    const caller = this.callerAddress(request);
    // A warm verify (or a malformed token) is answered at once; anything to load, once it is loaded.
    const now = this.verification.verifyNow(token, needs, caller);
    if (now !== undefined) {
      send(response, 200, JSON_TYPE, JSON.stringify(now));
      this.observer.verified('http', now.reason, startedAt);
      return;
    }
    this.verification
      .verify(token, needs, caller)
      .then(
        (verdict) => {
          send(response, 200, JSON_TYPE, JSON.stringify(verdict));
          this.observer.verified('http', verdict.reason, startedAt);
        },
        (error: unknown) => this.fail(request, response, error, startedAt),
      )
      .catch((error: unknown) => this.logger.error(error instanceof Error ? error : String(error)));
  }

  private fail(request: IncomingMessage, response: ServerResponse, error: unknown, startedAt: number): void {
    const answer: ProblemDetails = problemFor(error, this.logger);
    answer.instance = (request.url ?? '').split('?')[0];
    this.observer.verified('http', VerifierMetrics.errorReason(answer.code), startedAt);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    for (const [name, value] of Object.entries(problemHeaders(answer))) response.setHeader(name, value);
    send(response, answer.status, 'application/problem+json; charset=utf-8', JSON.stringify(answer));
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(response: ServerResponse, status: number, type: string, body: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function payloadTooLarge(): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', 413, 'The request body is larger than this endpoint accepts.');
}

function checkContentEncoding(request: IncomingMessage): void {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new DomainError(
      'UNSUPPORTED_CONTENT_ENCODING',
      415,
      'Send the body uncompressed: no Content-Encoding other than identity is accepted.',
    );
  }
}

/**
 * The charset of a JSON body to read, or null when there is none to read (no body, or a Content-Type
 * other than application/json: the body then counts as `{}`). Throws 415 for a charset that is not UTF.
 */
function jsonCharset(request: IncomingMessage): string | null {
  const { headers } = request;
  // As body-parser decides (type-is hasBody): a Transfer-Encoding, or a numeric Content-Length.
  const hasBody =
    headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(headers['content-length']));
  if (!hasBody) return null;
  const [mediaType, ...parameters] = (headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return null;
  let charset = 'utf-8';
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq >= 0 && parameter.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = parameter
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  if (!charset.startsWith('utf-') || !DECODABLE.has(charset)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send the body as UTF-8 JSON.');
  }
  return charset;
}

/** JSON is UTF-8 (RFC 8259); UTF-16 is still read, as the framework path read it. */
const DECODABLE = new Set(['utf-8', 'utf-16', 'utf-16le', 'utf-16be']);
const UTF8 = new TextDecoder('utf-8');

/** The first character that is not JSON white space must open an object or an array. */
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

function parseJsonBody(bytes: Buffer, charset: string): unknown {
  if (jsonDepthExceeds(bytes, MAX_JSON_DEPTH)) {
    throw new DomainError(
      'BODY_TOO_DEEP',
      400,
      `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels.`,
      { maxDepth: MAX_JSON_DEPTH },
    );
  }
  // Invalid sequences become U+FFFD and a byte-order mark is dropped, as before.
  const text = (charset === 'utf-8' ? UTF8 : new TextDecoder(charset)).decode(bytes);
  if (text.length === 0) return {};
  const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_NON_WHITESPACE.exec(text)?.[1];
  let body: unknown;
  try {
    if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
    body = JSON.parse(text);
  } catch {
    throw new DomainError('MALFORMED_BODY', 400, 'The request body is not valid JSON.');
  }
  assertSafeValue(body, 'body');
  return body;
}

/** `verifyRequest` on a parsed body; an array body is checked as the object it is not (refused). */
export function validateVerifyRequest(body: unknown): z.ZodSafeParseResult<VerifyRequest> {
  return verifyRequest.safeParse(Array.isArray(body) ? { ...body } : body);
}

/**
 * The violations of a body `verifyRequest` refused, worded and ordered as the verifier has always
 * answered them (class-validator's messages, one per broken rule): unknown fields first, then the fields
 * in declaration order; a rule applied to each scope is named once however many scopes break it; a
 * `requiredScopes` that is not an array breaks the array rules and each per-scope rule its value breaks.
 */
export function validationMessages(body: unknown, error: z.ZodError): string[] {
  const object = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const unknown: string[] = [];
  const broken = new Set<string>();
  for (const issue of error.issues) {
    const [field, index] = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) unknown.push(`property ${key} should not exist`);
    } else if (field === 'token') {
      broken.add('token must be a string');
    } else if (field === 'requiredScopes' && index !== undefined) {
      broken.add(EACH_SCOPE_LENGTH);
      if (issue.code === 'invalid_type') broken.add(EACH_SCOPE_STRING);
    } else if (field === 'requiredScopes') {
      if (issue.code === 'invalid_type') {
        const value = object.requiredScopes;
        if (typeof value !== 'string' || characterCount(value) > VERIFY_MAX_TEXT_LENGTH) {
          broken.add(EACH_SCOPE_LENGTH);
        }
        if (typeof value !== 'string') broken.add(EACH_SCOPE_STRING);
        broken.add(SCOPES_COUNT);
        broken.add('requiredScopes must be an array');
      } else {
        broken.add(SCOPES_COUNT);
      }
    } else if (field === 'resource') {
      broken.add(`resource must be shorter than or equal to ${VERIFY_MAX_TEXT_LENGTH} characters`);
      if (issue.code === 'invalid_type') broken.add('resource must be a string');
    } else if (field === 'callerEnforcesResources') {
      broken.add('callerEnforcesResources must be a boolean value');
    } else if (field === 'caller') {
      if (issue.code === 'invalid_type') broken.add(CALLER_STRING);
      else if (issue.code === 'too_big') broken.add(CALLER_LENGTH);
      else broken.add(CALLER_PATTERN);
    }
  }
  return [...unknown, ...MESSAGE_ORDER.filter((message) => broken.has(message))];
}

const EACH_SCOPE_LENGTH = `each value in requiredScopes must be shorter than or equal to ${VERIFY_MAX_TEXT_LENGTH} characters`;
const EACH_SCOPE_STRING = 'each value in requiredScopes must be a string';
const SCOPES_COUNT = `requiredScopes must contain no more than ${VERIFY_MAX_SCOPES} elements`;
const CALLER_LENGTH = `caller must be shorter than or equal to ${VERIFY_CALLER_MAX_LENGTH} characters`;
const CALLER_PATTERN = `caller must match ${VERIFY_CALLER_PATTERN.source} regular expression`;
const CALLER_STRING = 'caller must be a string';
const MESSAGE_ORDER = [
  'token must be a string',
  EACH_SCOPE_LENGTH,
  EACH_SCOPE_STRING,
  SCOPES_COUNT,
  'requiredScopes must be an array',
  `resource must be shorter than or equal to ${VERIFY_MAX_TEXT_LENGTH} characters`,
  'resource must be a string',
  'callerEnforcesResources must be a boolean value',
  CALLER_LENGTH,
  CALLER_PATTERN,
  CALLER_STRING,
];
