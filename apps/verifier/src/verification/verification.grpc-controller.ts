import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { type GrpcVerifyResponse, VERIFIER_GRPC_SERVICE, type VerifyResponse } from '@latchkey/contracts';
import { GrpcErrorFilter } from './grpc-error.filter';
import { VerificationService } from './verification.service';

/** `latchkey.verifier.v1.VerifyRequest` as proto-loader hands it over (absent fields may be missing). */
export interface GrpcVerifyRequest {
  token?: string;
  requiredScopes?: string[];
  resource?: string;
  callerEnforcesResources?: boolean;
}

@Controller()
@UseFilters(GrpcErrorFilter)
export class VerificationGrpcController {
  constructor(private readonly verification: VerificationService) {}

  @GrpcMethod(VERIFIER_GRPC_SERVICE, 'Verify')
  async verify(request: GrpcVerifyRequest): Promise<GrpcVerifyResponse> {
    return toGrpcResponse(
      await this.verification.verify(request.token ?? '', {
        requiredScopes: request.requiredScopes ?? [],
        // proto3 strings default to '': no resource named.
        resource: request.resource ? request.resource : undefined,
        callerEnforcesResources: request.callerEnforcesResources === true,
      }),
    );
  }
}

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
