import type { RequestHandler } from 'express';
import { DomainError } from './problem-details';

/** C0 controls and DEL, except tab, line feed and carriage return (which free text may hold). */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Whether text is safe to store and show: no NUL or other control character (Postgres refuses NUL in
 * text; the others have no place in names, ids or claims) and no lone UTF-16 surrogate (it has no UTF-8
 * form, so Postgres and every JSON consumer downstream would fail on it).
 */
export function isSafeText(text: string): boolean {
  return !CONTROL_CHARACTERS.test(text) && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Throws 400 `INVALID_CHARACTERS` naming `where` when any string or key in `value` is not safe text. */
export function assertSafeValue(value: unknown, where: string): void {
  const unsafe = findUnsafeText(value, where, 0);
  if (unsafe !== null) {
    throw new DomainError(
      'INVALID_CHARACTERS',
      400,
      `${unsafe} contains a control character (such as NUL) or a lone UTF-16 surrogate.`,
      { location: unsafe },
    );
  }
}

function findUnsafeText(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return isSafeText(value) ? null : path;
  if (typeof value !== 'object' || value === null || depth > 256) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!isSafeText(key)) return path;
    const found = findUnsafeText(item, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Refuses, before routing, a request whose path or query string decodes to unsafe text (400
 * `INVALID_CHARACTERS`) or whose path is not valid percent-encoding (400 `MALFORMED_PATH`).
 */
export function safeRequestText(): RequestHandler {
  return (request, _response, next) => {
    try {
      const path = request.originalUrl.split('?')[0];
      for (const segment of path.split('/')) {
        let decoded: string;
        try {
          decoded = decodeURIComponent(segment);
        } catch {
          throw new DomainError('MALFORMED_PATH', 400, 'The request path is not valid percent-encoding.');
        }
        if (!isSafeText(decoded)) {
          throw new DomainError(
            'INVALID_CHARACTERS',
            400,
            'The request path contains a control character (such as NUL) or a lone UTF-16 surrogate.',
            { location: 'path' },
          );
        }
      }
      assertSafeValue(request.query, 'query');
      next();
    } catch (error) {
      next(error);
    }
  };
}
