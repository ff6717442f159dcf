import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { VerifyResponse } from '@latchkey/contracts';
import { VerifyTokenDto } from './dto/verify-token.dto';
import { VerificationService } from './verification.service';

/**
 * HTTP twin of the gRPC TokenVerifier. Every verdict is a 200; a refused token is not an HTTP error —
 * until the caller's refusals pass their limit (429 RATE_LIMITED).
 */
@Controller('v1')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  verify(@Body() body: VerifyTokenDto, @Req() request: Request): Promise<VerifyResponse> {
    return this.verification.verify(
      body.token,
      {
        requiredScopes: body.requiredScopes,
        resource: body.resource,
        callerEnforcesResources: body.callerEnforcesResources === true,
      },
      // The TCP peer, or the client a trusted proxy names (TRUST_PROXY).
      request.ip ?? request.socket.remoteAddress ?? 'unknown',
    );
  }
}
