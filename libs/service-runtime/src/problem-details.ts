import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { transientDatabaseFailure } from './database';

/** A failure the caller can act on: a stable machine-readable code plus a human sentence. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://latchkey.dev/problems/';

/**
 * Maps every error to RFC 9457 problem+json, once, for the whole app. Tests assert on `code`.
 * Unexpected errors are logged with their stack and answered with a bare 500 that leaks nothing.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = problemFor(exception, this.logger);
    problem.instance = request.originalUrl?.split('?')[0];
    for (const [name, value] of Object.entries(problemHeaders(problem))) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

/**
 * The problem for any error, as the filter answers it: a DomainError's own, an HttpException's, 503
 * DATABASE_BUSY for a transient database failure, and otherwise (logged with its stack) a bare 500.
 */
export function problemFor(exception: unknown, logger: Pick<Logger, 'warn' | 'error'>): ProblemDetails {
  if (exception instanceof DomainError) {
    return problem(exception.status, exception.code, exception.detail, exception.extensions);
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  const busy = transientDatabaseFailure(exception);
  if (busy !== null) {
    // A timeout, lock wait or lost connection: nothing was changed, and trying again shortly may work.
    logger.warn(`database busy: ${busy} (${(exception as Error).message})`);
    return problem(
      503,
      'DATABASE_BUSY',
      `The request could not be completed because ${busy}. Nothing was changed; try again shortly.`,
    );
  }
  logger.error(exception instanceof Error ? exception : String(exception));
  return problem(500, 'INTERNAL', 'An unexpected error occurred. It has been logged.');
}

/** The headers a problem answer carries besides its type: Retry-After for 503 and for a timed 429. */
export function problemHeaders(problem: ProblemDetails): Record<string, string> {
  if (problem.status === 503) return { 'Retry-After': '1' };
  if (problem.status === 429 && typeof problem.retryAfterSeconds === 'number') {
    return { 'Retry-After': String(problem.retryAfterSeconds) };
  }
  return {};
}

/**
 * Answers with a problem+json from plain Express middleware (outside Nest's exception filters), in the
 * same shape the filter writes.
 */
export function sendProblem(
  request: Request,
  response: Response,
  status: number,
  code: string,
  detail: string,
): void {
  const body = problem(status, code, detail);
  body.instance = request.originalUrl?.split('?')[0];
  response.status(status).type('application/problem+json').send(JSON.stringify(body));
}

/** The RFC 9457 body for a status, stable code and human sentence (plus any extension members). */
export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  const title = (HttpStatus[status] ?? 'ERROR')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  return {
    type: PROBLEM_BASE + code.toLowerCase().replaceAll('_', '-'),
    title,
    status,
    detail,
    code,
    ...extensions,
  };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'UNAVAILABLE',
};

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  // ValidationPipe answers { message: string[] }: keep every violation, they are the useful part.
  if (
    status === 400 &&
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { message?: unknown }).message)
  ) {
    const errors = (body as { message: string[] }).message;
    return problem(400, 'VALIDATION_FAILED', errors.join('; '), { errors });
  }
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  const detail = typeof message === 'string' ? message : exception.message;
  if (status === 404 && detail.startsWith('Cannot ')) {
    return problem(404, 'ROUTE_NOT_FOUND', 'No such endpoint.');
  }
  return problem(status, CODE_BY_STATUS[status] ?? 'HTTP_' + status, detail);
}
