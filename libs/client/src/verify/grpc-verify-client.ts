import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { type GrpcVerifyResponse, VERIFIER_PROTO_PATH, type VerifyReason } from '@latchkey/contracts';
import { VerifyError } from './errors';
import { refuseMalformed } from './local-check';
import { retryPolicy, withRetries } from './retry';
import type { RetryPolicy, Verdict, VerifyClientOptions, VerifyNeeds, TokenVerifier } from './types';

export interface GrpcVerifyClientOptions extends VerifyClientOptions {
  /** `host:port` of the verifier's gRPC listener (VERIFIER_GRPC_URL). */
  address: string;
  /** Default: insecure (a private network or a mesh that adds TLS); pass `grpc.credentials.createSsl()` for TLS. */
  credentials?: grpc.ChannelCredentials;
  /** Extra channel options (e.g. `grpc.keepalive_time_ms` when the verifier permits it). */
  channelOptions?: grpc.ChannelOptions;
}

type VerifyCall = (
  request: Record<string, unknown>,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: GrpcVerifyResponse) => void,
) => grpc.ClientUnaryCall;

type VerifierStub = grpc.Client & { Verify: VerifyCall };

let constructor: grpc.ServiceClientConstructor | undefined;

/** The TokenVerifier client class from libs/contracts' proto, loaded once per process. */
function verifierClientClass(): grpc.ServiceClientConstructor {
  if (constructor === undefined) {
    const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      latchkey: { verifier: { v1: { TokenVerifier: grpc.ServiceClientConstructor } } };
    };
    constructor = pkg.latchkey.verifier.v1.TokenVerifier;
  }
  return constructor;
}

/**
 * latchkey.verifier.v1.TokenVerifier/Verify over one long-lived channel (HTTP/2, multiplexed: create one
 * client per verifier address and share it). Each call has a deadline; UNAVAILABLE alone is retried.
 */
export class GrpcVerifyClient implements TokenVerifier {
  private readonly stub: VerifierStub;
  private readonly deadlineMs: number;
  private readonly retry: RetryPolicy;
  private readonly checkFormat: boolean;

  constructor(options: GrpcVerifyClientOptions) {
    const Client = verifierClientClass();
    this.stub = new Client(
      options.address,
      options.credentials ?? grpc.credentials.createInsecure(),
      options.channelOptions,
    ) as unknown as VerifierStub;
    this.deadlineMs = options.deadlineMs ?? 2_000;
    this.retry = retryPolicy(options.retry);
    this.checkFormat = options.checkFormat ?? true;
  }

  async verify(token: string, needs: VerifyNeeds = {}): Promise<Verdict> {
    return fromWire(await this.verifyWire(token, needs));
  }

  /** The answer as it comes off the wire (proto3: empty strings where the verdict has null). */
  async verifyWire(token: string, needs: VerifyNeeds = {}): Promise<GrpcVerifyResponse> {
    if (this.checkFormat) {
      const refused = refuseMalformed(token);
      if (refused !== undefined) return toWire(refused);
    }
    const request = withoutNulls({ token, ...needs });
    return withRetries(this.retry, Date.now() + this.deadlineMs, (deadline) => this.call(request, deadline));
  }

  close(): void {
    this.stub.close();
  }

  private call(request: Record<string, unknown>, deadline: number): Promise<GrpcVerifyResponse> {
    return new Promise((resolve, reject) => {
      this.stub.Verify(request, { deadline: new Date(deadline) }, (error, response) => {
        if (error) reject(grpcError(error));
        else resolve(response);
      });
    });
  }
}

function grpcError(error: grpc.ServiceError): VerifyError {
  const details = { grpcCode: error.code, cause: error };
  if (error.code === grpc.status.UNAVAILABLE) {
    return new VerifyError('UNAVAILABLE', `verifier unavailable: ${error.details}`, details);
  }
  if (error.code === grpc.status.DEADLINE_EXCEEDED) {
    return new VerifyError('DEADLINE_EXCEEDED', 'the verifier did not answer within the deadline', details);
  }
  if (error.code === grpc.status.RESOURCE_EXHAUSTED) {
    return new VerifyError('RATE_LIMITED', `verifier refused: ${error.details}`, details);
  }
  // Anything else (INTERNAL, INVALID_ARGUMENT, …) is not worth another attempt.
  return new VerifyError('REJECTED', `verifier refused the call: ${error.details}`, details);
}

function withoutNulls(request: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== null && value !== undefined),
  );
}

const orNull = (text: string): string | null => (text === '' ? null : text);

export function fromWire(wire: GrpcVerifyResponse): Verdict {
  return {
    valid: wire.valid,
    reason: wire.reason as VerifyReason,
    tokenId: orNull(wire.tokenId),
    tenantId: orNull(wire.tenantId),
    ownerId: orNull(wire.ownerId),
    expiresAt: orNull(wire.expiresAt),
    effectivePermissions: wire.effectivePermissions ?? [],
    resources: wire.resources ?? [],
  };
}

function toWire(verdict: Verdict): GrpcVerifyResponse {
  return {
    ...verdict,
    tokenId: verdict.tokenId ?? '',
    tenantId: verdict.tenantId ?? '',
    ownerId: verdict.ownerId ?? '',
    expiresAt: verdict.expiresAt ?? '',
  };
}
