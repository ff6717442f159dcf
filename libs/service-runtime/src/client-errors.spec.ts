import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { answerClientErrorsAsProblems } from './client-errors';

/** Sends raw bytes and resolves with everything the server answered before closing. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

describe('answerClientErrorsAsProblems', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    answerClientErrorsAsProblems(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function split(answer: string): { head: string; body: Record<string, unknown> } {
    const [head, body] = answer.split('\r\n\r\n');
    return { head, body: JSON.parse(body) as Record<string, unknown> };
  }

  it('answers a head over 16 KB with 431 problem+json', async () => {
    const answer = await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const { head, body } = split(answer);

    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(body).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers a request that is not HTTP with 400 problem+json', async () => {
    const { head, body } = split(await exchange(port, 'HELLO\r\n\r\n'));

    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(body).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('leaves ordinary requests alone', async () => {
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*ok$/);
  });
});
