import { Module } from '@nestjs/common';
import { TenantPolicyController } from './tenant-policy.controller';
import { TenantPolicyService } from './tenant-policy.service';
import { TenantsRepository } from './tenants.repository';

/** Tenant plans (operator) and token policies (owners). Token issuance calls `assertMayIssue`. */
@Module({
  controllers: [TenantPolicyController],
  providers: [TenantPolicyService, TenantsRepository],
  exports: [TenantPolicyService],
})
export class TenantsModule {}
