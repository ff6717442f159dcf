import type { GrpcVerifyResponse, VerifyResponse } from '@latchkey/contracts';

/** `latchkey.verifier.v1.VerifyRequest` as proto-loader hands it over (absent fields may be missing). */
export interface GrpcVerifyRequest {
  token?: string;
  requiredScopes?: string[];
  resource?: string;
  callerEnforcesResources?: boolean;
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
