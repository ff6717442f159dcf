import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import type { VerifyResponse } from '@latchkey/contracts';
import { VerifyTokenDto } from './dto/verify-token.dto';
import { VerificationService } from './verification.service';

/** HTTP twin of the gRPC TokenVerifier. Every verdict is a 200; a refused token is not an HTTP error. */
@Controller('v1')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  verify(@Body() body: VerifyTokenDto): Promise<VerifyResponse> {
    return this.verification.verify(body.token, {
      requiredScopes: body.requiredScopes,
      resource: body.resource,
      callerEnforcesResources: body.callerEnforcesResources === true,
    });
  }
}
