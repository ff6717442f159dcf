import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxModule } from '../outbox/outbox.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokenStateCache } from './token-state-cache';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [AuthModule, OutboxModule, TenantsModule],
  controllers: [TokensController],
  providers: [TokensService, TokenStateCache],
})
export class TokensModule {}
