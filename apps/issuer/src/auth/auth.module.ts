import { Module } from '@nestjs/common';
import { MemberDirectory } from '../members/member-directory';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminJwtVerifier } from './admin-jwt-verifier';

/**
 * Admin sign-in for every admin controller: the identity provider's JWT, then the member record
 * (created on first sign-in; its stored role is authoritative afterwards).
 */
@Module({
  providers: [AdminJwtVerifier, MemberDirectory, AdminAuthGuard],
  exports: [AdminJwtVerifier, MemberDirectory, AdminAuthGuard],
})
export class AuthModule {}
