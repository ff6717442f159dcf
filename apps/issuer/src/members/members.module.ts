import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxModule } from '../outbox/outbox.module';
import { MemberRemovalEffects } from './member-removal-effects';
import { MemberStateCache } from './member-state-cache';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

/**
 * The Members API (owners and admins). Sign-in itself records members through `MemberDirectory`, which
 * `AuthModule` provides to the guard, so this module depends on AuthModule and never the reverse.
 */
@Module({
  imports: [AuthModule, OutboxModule],
  controllers: [MembersController],
  providers: [MembersService, MemberStateCache, MemberRemovalEffects],
  exports: [MemberRemovalEffects],
})
export class MembersModule {}
