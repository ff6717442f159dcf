import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeController } from '@nestjs/swagger';
import { SignJWT } from 'jose';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { DevSessionDto, DevSessionResponse } from './dev-session.dto';

/** How long a development session lasts. */
export const DEV_SESSION_SECONDS = 3600;

/**
 * The console's development sign-in: an admin JWT for any tenant, user and role, signed with the HS256
 * development secret, exactly as `npm run dev:jwt` prints one. Registered only when
 * `devSignInEnabled(config)` holds (see console.module.ts); never part of the API reference.
 */
@ApiExcludeController()
@Controller('console')
export class DevSessionController {
  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {}

  @ApiCreatedResponse({ type: DevSessionResponse })
  @Post('dev-session')
  @HttpCode(201)
  async create(@Body() body: DevSessionDto): Promise<DevSessionResponse> {
    const secret = this.config.ADMIN_JWT_SECRET;
    if (secret === undefined) throw new Error('DevSessionController registered without ADMIN_JWT_SECRET');
    const exp = Math.floor(Date.now() / 1000) + DEV_SESSION_SECONDS;
    let jwt = new SignJWT({
      tid: body.tenantId,
      role: body.role,
      email: body.email ?? `${body.userId}@${body.tenantId}.test`,
      email_verified: true,
      // A development sign-in is a sign-in: revealing a recoverable token needs a recent one (auth_time).
      auth_time: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(body.userId)
      .setIssuedAt()
      .setExpirationTime(exp);
    if (this.config.ADMIN_JWT_ISSUER) jwt = jwt.setIssuer(this.config.ADMIN_JWT_ISSUER);
    if (this.config.ADMIN_JWT_AUDIENCE) jwt = jwt.setAudience(this.config.ADMIN_JWT_AUDIENCE);
    const accessToken = await jwt.sign(new TextEncoder().encode(secret));
    return { accessToken, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
