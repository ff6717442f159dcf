import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problem } from './problem-details';

const ANSWERS: Record<string, [status: number, reason: string, code: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'HEADERS_TOO_LARGE',
    'The request head (request line and headers) is larger than the server accepts (16 KB).',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'Request Timeout',
    'REQUEST_TIMEOUT',
    'The request took too long to arrive.',
  ],
};

/**
 * Answers the requests Node's HTTP parser refuses before any handler runs (a head over 16 KB, a
 * malformed request line, a request that arrives too slowly) with problem+json like every other error,
 * instead of Node's bare status line. Call once per HTTP server.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const responding = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || responding?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, reason, code, detail] = ANSWERS[error.code ?? ''] ?? [
      400,
      'Bad Request',
      'MALFORMED_REQUEST',
      'The request is not valid HTTP/1.1.',
    ];
    const body = JSON.stringify(problem(status, code, detail));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
