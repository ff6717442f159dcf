import { json, type RequestHandler } from 'express';
import { DomainError } from './problem-details';

/**
 * Parses JSON bodies up to `limit` and turns the parser's failures into domain errors with stable
 * codes (Nest would otherwise reduce them to an anonymous 400). Use with `bodyParser: false`.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({ limit });
  return (request, response, next) => {
    parse(request, response, (error?: unknown) =>
      next(error === undefined ? undefined : toDomainError(error)),
    );
  };
}

function toDomainError(error: unknown): unknown {
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  switch (type) {
    case 'entity.parse.failed':
      return new DomainError('MALFORMED_BODY', 400, 'The request body is not valid JSON.');
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
