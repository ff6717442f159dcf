import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendCallback } from './callback-sender';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

interface Receiver {
  server: Server;
  port: number;
  received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[];
}

async function startReceiver(handler: Handler): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

async function stop(receiver: Receiver): Promise<void> {
  receiver.server.closeAllConnections();
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
}

const body = JSON.stringify({ type: 'token.renewal_available', offerId: 'o1', note: 'ünïcödé' });
const headers = { 'Content-Type': 'application/json', 'Latchkey-Signature': 't=1,v1=' + 'a'.repeat(64) };

describe('sendCallback', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    if (receiver) await stop(receiver);
    receiver = undefined;
  });

  /** `.invalid` never resolves: reaching the receiver proves the connection used the checked address. */
  const send = (port: number, timeoutMs = 2_000, path = '/hooks/renewal') =>
    sendCallback({
      url: new URL(`http://receiver.invalid:${port}${path}`),
      addresses: ['127.0.0.1'],
      body,
      headers,
      timeoutMs,
    });

  it('delivers exactly the body with the given headers to the checked address', async () => {
    receiver = await startReceiver((_request, _body, response) => response.writeHead(204).end());
    const result = await send(receiver.port);
    expect(result).toEqual({ delivered: true, statusCode: 204, durationMs: expect.any(Number) });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/renewal');
    expect(request.body).toBe(body);
    expect(request.headers['latchkey-signature']).toBe(headers['Latchkey-Signature']);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request.headers.host).toBe(`receiver.invalid:${receiver.port}`);
  });

  it('reports a 503 as a failed attempt with its status', async () => {
    receiver = await startReceiver((_request, _body, response) => response.writeHead(503).end('busy'));
    expect(await send(receiver.port)).toEqual({
      delivered: false,
      statusCode: 503,
      durationMs: expect.any(Number),
      error: 'HTTP 503',
    });
  });

  it('gives up when the receiver does not answer in time', async () => {
    receiver = await startReceiver(() => undefined);
    const started = Date.now();
    const result = await send(receiver.port, 300);
    expect(result).toEqual({
      delivered: false,
      statusCode: null,
      durationMs: expect.any(Number),
      error: 'timeout after 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    receiver = await startReceiver((request, _body, response) => {
      if (request.url === '/elsewhere') response.writeHead(200).end();
      else response.writeHead(302, { location: '/elsewhere' }).end();
    });
    const result = await send(receiver.port);
    expect(result).toMatchObject({
      delivered: false,
      statusCode: 302,
      error: 'HTTP 302 (redirects are not followed)',
    });
    expect(receiver.received.map((r) => r.url)).toEqual(['/hooks/renewal']);
  });

  it('reads at most 64 KiB of the answer, then closes the connection', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    receiver = await startReceiver((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      // An endless answer: only the client closing the connection stops it.
      const timer = setInterval(() => response.write(chunk), 1);
      response.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    const result = await send(receiver.port, 5_000);
    expect(result).toMatchObject({ delivered: true, statusCode: 200 });
    await connectionClosed;
  });

  it('names the network error when nothing listens', async () => {
    receiver = await startReceiver(() => undefined);
    const { port } = receiver;
    await stop(receiver);
    receiver = undefined;
    expect(await send(port)).toMatchObject({ delivered: false, statusCode: null, error: 'ECONNREFUSED' });
  });
});
