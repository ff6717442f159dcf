import { raw, type Request, type RequestHandler } from 'express';
import { sendProblem } from '@latchkey/service-runtime';

/** The secret-scanning intake's path (the partner protocol's endpoint URL ends with it). */
export const LEAK_REPORTS_PATH = '/v1/leaks';

const RAW_BODY = Symbol('leakReportBody');
type WithRawBody = Request & { [RAW_BODY]?: Buffer };

/**
 * Reads a leak report's body as bytes, up to `limit`, before the JSON parser: its signature covers the
 * exact bytes sent, and it is authenticated before it is parsed. Only `POST /v1/leaks`; everything
 * else passes untouched. Too large: 413 PAYLOAD_TOO_LARGE; compressed: 415.
 */
export function leakReportBody(limit: string): RequestHandler {
  const read = raw({ type: () => true, limit, inflate: false });
  return (request, response, next) => {
    if (request.method !== 'POST' || request.path !== LEAK_REPORTS_PATH) {
      next();
      return;
    }
    read(request, response, (error?: unknown) => {
      if (error !== undefined) {
        const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
        if (type === 'entity.too.large') {
          sendProblem(
            request,
            response,
            413,
            'PAYLOAD_TOO_LARGE',
            'The report is larger than the issuer accepts.',
          );
        } else if (type === 'encoding.unsupported') {
          sendProblem(
            request,
            response,
            415,
            'UNSUPPORTED_CONTENT_ENCODING',
            'Send the report uncompressed.',
          );
        } else {
          sendProblem(request, response, 400, 'LEAK_REPORT_MALFORMED', 'The report body could not be read.');
        }
        return;
      }
      const body: unknown = request.body;
      (request as WithRawBody)[RAW_BODY] = Buffer.isBuffer(body) ? body : undefined;
      request.body = undefined;
      next();
    });
  };
}

/** The bytes `leakReportBody` read; undefined for a request without a body. */
export function leakReportBodyOf(request: Request): Buffer | undefined {
  return (request as WithRawBody)[RAW_BODY];
}
