import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as HEALTH_PROTO_PATH } from 'grpc-health-check';
import { DomainError } from '@latchkey/service-runtime';
import { VERIFIER_GRPC_SERVICE, VERIFIER_PROTO_PACKAGE, VERIFIER_PROTO_PATH } from '@latchkey/contracts';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { grpcPeerAddress } from '../verification/refusal-limiter';
import { VerificationService } from '../verification/verification.service';
import { GrpcHealth } from './grpc-standard-services';
import { toGrpcStatus } from './grpc-status';
import { type GrpcVerifyRequest, grpcCallerName, toGrpcResponse } from './grpc-verify';

/** A verify request is one short string and a few scopes: anything bigger is refused by grpc-js. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * The verifier's gRPC server, on grpc-js directly: `TokenVerifier.Verify` calls the verification
 * service with no framework pipeline in between (the transport's own cost is the floor the bench
 * compares with), beside `grpc.health.v1.Health` and server reflection. Bound when the application has
 * bootstrapped; on shutdown, health turns NOT_SERVING first (GrpcHealth), then calls in flight finish
 * (`tryShutdown`) within `VERIFIER_GRPC_DRAIN_MS`, after which the rest are cancelled.
 */
@Injectable()
export class VerifierGrpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(VerifierGrpcServer.name);
  private server: grpc.Server | undefined;
  private boundPort: number | undefined;

  constructor(
    private readonly verification: VerificationService,
    private readonly health: GrpcHealth,
    private readonly metrics: VerifierMetrics,
    @Inject(VERIFIER_CONFIG)
    private readonly config: Pick<VerifierConfig, 'VERIFIER_GRPC_URL' | 'VERIFIER_GRPC_DRAIN_MS'>,
  ) {}

  /** The port bound, once started (useful when VERIFIER_GRPC_URL asks for port 0). */
  get port(): number | undefined {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    const loaderOptions: protoLoader.Options = {};
    const verifierPackage = protoLoader.loadSync(VERIFIER_PROTO_PATH, loaderOptions);
    const loaded = grpc.loadPackageDefinition(verifierPackage) as unknown as Record<
      string,
      Record<string, Record<string, Record<string, { service: grpc.ServiceDefinition }>>>
    >;
    const [a, b, c] = VERIFIER_PROTO_PACKAGE.split('.');
    const service = loaded[a][b][c][VERIFIER_GRPC_SERVICE].service;

    const server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    });
    server.addService(service, {
      Verify: (
        call: grpc.ServerUnaryCall<GrpcVerifyRequest, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => this.verify(call, callback),
    });
    this.health.addToServer(server);
    const described = { ...verifierPackage, ...protoLoader.loadSync(HEALTH_PROTO_PATH) };
    new ReflectionService(described).addToServer(server);

    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        this.config.VERIFIER_GRPC_URL,
        grpc.ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.server = server;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Probes see NOT_SERVING and watchers are let go before the drain, whichever hook runs first.
    this.health.beforeApplicationShutdown();
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        this.logger.warn('gRPC calls still running after the drain time: cancelling them');
        server.forceShutdown();
        resolve();
      }, this.config.VERIFIER_GRPC_DRAIN_MS);
      server.tryShutdown(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
  }

  private verify(
    call: grpc.ServerUnaryCall<GrpcVerifyRequest, unknown>,
    callback: grpc.sendUnaryData<unknown>,
  ): void {
    const startedAt = performance.now();
    const request = call.request;
    const name = grpcCallerName(request, call.metadata);
    if (!name.ok) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: name.message, message: name.message }, null);
      return;
    }
    const token = request.token ?? '';
    const needs = {
      requiredScopes: request.requiredScopes ?? [],
      // proto3 strings default to '': no resource named.
      resource: request.resource ? request.resource : undefined,
      callerEnforcesResources: request.callerEnforcesResources === true,
      caller: name.name,
    };
    const caller = grpcPeerAddress(call.getPeer());
    const answer = (error: unknown) => {
      const { code, message } = toGrpcStatus(error, this.logger);
      callback({ code, details: message, message }, null);
      this.metrics.verified('grpc', VerifierMetrics.errorReason(errorCodeOf(error)), startedAt);
    };
    // A warm verify (or a malformed token) is answered at once; anything to load, once it is loaded.
    let now;
    try {
      now = this.verification.verifyNow(token, needs, caller);
    } catch (error) {
      answer(error);
      return;
    }
    if (now !== undefined) {
      callback(null, toGrpcResponse(now));
      this.metrics.verified('grpc', now.reason, startedAt);
      return;
    }
    this.verification.verify(token, needs, caller).then((verdict) => {
      callback(null, toGrpcResponse(verdict));
      this.metrics.verified('grpc', verdict.reason, startedAt);
    }, answer);
  }
}

/** The stable code of a verification error (RATE_LIMITED, VERIFIER_UNAVAILABLE); undefined otherwise. */
function errorCodeOf(error: unknown): string | undefined {
  return error instanceof DomainError ? error.code : undefined;
}
