import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { INTERNAL_API_PREFIX } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

/**
 * The internal API's own door: a second HTTP listener on INTERNAL_HOST:INTERNAL_PORT (127.0.0.1 by
 * default) over the same application, so the worker's API is not reachable where the public API is.
 * Requests are told apart by the connection they came on, never by anything the client sends:
 * `/internal/v1` answers only here, and only `/internal/v1` answers here (404 for the rest, both ways).
 */
@Injectable()
export class InternalListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InternalListener.name);
  private readonly sockets = new WeakSet<Socket>();
  private server: Server | undefined;

  constructor(
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handler =
      this.adapterHost.httpAdapter.getInstance<(req: IncomingMessage, res: ServerResponse) => void>();
    const server = createServer(handler);
    server.on('connection', (socket) => this.sockets.add(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.INTERNAL_PORT, this.config.INTERNAL_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port } = server.address() as AddressInfo;
    this.logger.log({ msg: 'internal API listening', internal: `http://${address}:${port}` });
  }

  /** Whether the request arrived on the internal listener. */
  isInternal(request: IncomingMessage): boolean {
    return this.sockets.has(request.socket);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}

/**
 * Whether a request path names the internal API, read the way the router would (case-insensitive,
 * percent-decoded, repeated slashes collapsed), so no spelling of it slips through the public port.
 */
export function isInternalPath(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape is routed as written.
  }
  const normalized = decoded.toLowerCase().replace(/\/{2,}/g, '/');
  const prefix = INTERNAL_API_PREFIX.split('/')[1]; // "internal"
  return normalized === `/${prefix}` || normalized.startsWith(`/${prefix}/`);
}
