import {
  type GrpcVerifyResponse,
  isCallerName,
  VERIFY_CALLER_MAX_LENGTH,
  VERIFY_CALLER_METADATA_KEY,
  type VerifyResponse,
} from '@latchkey/contracts';

/** `latchkey.verifier.v1.VerifyRequest` as proto-loader hands it over (absent fields may be missing). */
export interface GrpcVerifyRequest {
  token?: string;
  requiredScopes?: string[];
  resource?: string;
  callerEnforcesResources?: boolean;
  /** The calling service's name for analytics; '' when not given. */
  caller?: string;
}

/** The metadata a call carries, as much of grpc-js's `Metadata` as is read here. */
export interface CallerMetadata {
  get(key: string): (string | Buffer)[];
}

export type CallerName = { ok: true; name: string | undefined } | { ok: false; message: string };

/**
 * The name a gRPC caller gives itself: the request's `caller` field, else the `latchkey-caller`
 * metadata; none when neither is set. A name that breaks the rules (verification.ts) is refused, as
 * HTTP refuses it, rather than counted under another name.
 */
export function grpcCallerName(request: GrpcVerifyRequest, metadata: CallerMetadata): CallerName {
  let name = request.caller;
  if (name === undefined || name === '') {
    const [value] = metadata.get(VERIFY_CALLER_METADATA_KEY);
    name = value === undefined ? undefined : value.toString();
  }
  if (name === undefined || name === '') return { ok: true, name: undefined };
  if (isCallerName(name)) return { ok: true, name };
  return {
    ok: false,
    message:
      `VALIDATION_FAILED: caller must be at most ${VERIFY_CALLER_MAX_LENGTH} letters, digits, '.', '_', ` +
      `':', '/' or '-', starting with a letter or digit`,
  };
}

/** The verdict as proto3 carries it: empty strings where the HTTP answer has nulls. */
export function toGrpcResponse(response: VerifyResponse): GrpcVerifyResponse {
  return {
    valid: response.valid,
    reason: response.reason,
    tokenId: response.tokenId ?? '',
    tenantId: response.tenantId ?? '',
    ownerId: response.ownerId ?? '',
    expiresAt: response.expiresAt ?? '',
    effectivePermissions: response.effectivePermissions,
    resources: response.resources,
  };
}
