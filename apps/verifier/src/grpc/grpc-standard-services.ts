import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { VERIFIER_GRPC_SERVICE, VERIFIER_PROTO_PACKAGE } from '@latchkey/contracts';

/** The fully qualified name gRPC clients and probes use for the verifier's service. */
export const VERIFIER_SERVICE_NAME = `${VERIFIER_PROTO_PACKAGE}.${VERIFIER_GRPC_SERVICE}`;

/** What `HealthImplementation.addToServer` and `ReflectionService.addToServer` need of a grpc-js server. */
type GrpcServer = Parameters<HealthImplementation['addToServer']>[0] &
  Parameters<ReflectionService['addToServer']>[0];

/** A server-streaming call as the health service's `watch` handler receives it. */
interface WatchCall {
  end(): void;
  once(event: 'cancelled' | 'finish', listener: () => void): unknown;
}

/**
 * `grpc.health.v1.Health` for the verifier: NOT_SERVING until the application has started, SERVING
 * while it runs, NOT_SERVING again as soon as shutdown begins (before the gRPC server drains), for the
 * server as a whole ("") and for the TokenVerifier service. Open `Watch` streams get that last status
 * and are then ended: the graceful shutdown waits for every call in flight, and a watcher would
 * otherwise hold the verifier up until it is killed.
 */
@Injectable()
export class GrpcHealth implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly health = new HealthImplementation({
    '': 'NOT_SERVING',
    [VERIFIER_SERVICE_NAME]: 'NOT_SERVING',
  });

  onApplicationBootstrap(): void {
    this.set('SERVING');
  }

  private readonly watches = new Set<WatchCall>();

  private shuttingDown = false;

  /** Idempotent: a second status write would reach the ended watch streams (write after end). */
  beforeApplicationShutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.set('NOT_SERVING');
    for (const call of this.watches) call.end();
    this.watches.clear();
  }

  addToServer(server: GrpcServer): void {
    this.health.addToServer({
      addService: (service, implementation) =>
        server.addService(service, {
          ...implementation,
          watch: (call: WatchCall) => {
            this.watches.add(call);
            const forget = () => this.watches.delete(call);
            call.once('cancelled', forget);
            call.once('finish', forget);
            (implementation.watch as (call: WatchCall) => void)(call);
          },
        }),
    });
  }

  private set(status: ServingStatus): void {
    this.health.setStatus('', status);
    this.health.setStatus(VERIFIER_SERVICE_NAME, status);
  }
}
