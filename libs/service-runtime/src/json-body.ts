import { json, type RequestHandler } from 'express';
import { DomainError } from './problem-details';
import { assertSafeValue } from './safe-text';

/** How deeply a JSON body may nest objects and arrays; deeper bodies are refused before JSON.parse. */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses JSON bodies up to `limit` and turns the parser's failures into domain errors with stable
 * codes (Nest would otherwise reduce them to an anonymous 400). Use with `bodyParser: false`.
 *
 * At the edge, before any handler sees the body: a `Content-Encoding` other than `identity` is refused
 * (415: no endpoint accepts compressed bodies), nesting deeper than `maxDepth` is refused from the raw
 * bytes before parsing (400 `BODY_TOO_DEEP`), and any string or key holding a NUL, another control
 * character or a lone UTF-16 surrogate is refused (400 `INVALID_CHARACTERS`).
 */
export function jsonBody(limit: string, maxDepth = MAX_JSON_DEPTH): RequestHandler {
  const parse = json({
    limit,
    inflate: false,
    verify: (_request, _response, buffer) => {
      if (jsonDepthExceeds(buffer, maxDepth)) {
        throw Object.assign(new Error('JSON nested too deeply'), { type: 'entity.too.deep', maxDepth });
      }
    },
  });
  return (request, response, next) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      next(
        new DomainError(
          'UNSUPPORTED_CONTENT_ENCODING',
          415,
          'Send the body uncompressed: no Content-Encoding other than identity is accepted.',
        ),
      );
      return;
    }
    parse(request, response, (error?: unknown) => {
      if (error !== undefined) {
        next(toDomainError(error, maxDepth));
        return;
      }
      try {
        assertSafeValue(request.body, 'body');
        next();
      } catch (refusal) {
        next(refusal);
      }
    });
  };
}

/**
 * Whether the JSON text in `buffer` opens more than `maxDepth` nested objects or arrays. A byte scan
 * (brackets inside strings do not count), so a hostile body never reaches the recursive parser.
 */
export function jsonDepthExceeds(buffer: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

function toDomainError(error: unknown, maxDepth: number): unknown {
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  switch (type) {
    case 'entity.parse.failed':
      return new DomainError('MALFORMED_BODY', 400, 'The request body is not valid JSON.');
    case 'entity.too.deep':
      return new DomainError(
        'BODY_TOO_DEEP',
        400,
        `The request body nests objects or arrays deeper than ${maxDepth} levels.`,
        { maxDepth },
      );
    case 'entity.too.large':
      return new DomainError(
        'PAYLOAD_TOO_LARGE',
        413,
        'The request body is larger than this endpoint accepts.',
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send the body as UTF-8 JSON.');
    default:
      return error;
  }
}
