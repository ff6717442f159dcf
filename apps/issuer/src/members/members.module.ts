import { Module } from '@nestjs/common';
import { MemberRemovalEffects } from './member-removal-effects';
import { MemberDirectory } from './member-directory';
import { MemberStateCache } from './member-state-cache';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

/**
 * The Members API (owners and admins), and the member records behind sign-in: `MemberDirectory` is what
 * the root module hands to `AuthModule.forRoot`, so the auth folder never depends on this one.
 */
@Module({
  controllers: [MembersController],
  providers: [MembersService, MembersRepository, MemberStateCache, MemberRemovalEffects, MemberDirectory],
  exports: [MemberRemovalEffects, MembersRepository, MemberDirectory],
})
export class MembersModule {}
