import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TenantPolicyController } from './tenant-policy.controller';
import { TenantPolicyService } from './tenant-policy.service';

/** Tenant plans (operator) and token policies (owners). Token issuance calls `assertMayIssue`. */
@Module({
  imports: [AuthModule],
  controllers: [TenantPolicyController],
  providers: [TenantPolicyService],
  exports: [TenantPolicyService],
})
export class TenantsModule {}
