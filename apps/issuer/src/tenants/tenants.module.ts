import { Module } from '@nestjs/common';
import { TenantApplicationsController } from './tenant-applications.controller';
import { TenantApplicationsRepository } from './tenant-applications.repository';
import { TenantApplicationsService } from './tenant-applications.service';
import { TenantPolicyController } from './tenant-policy.controller';
import { TenantPolicyService } from './tenant-policy.service';
import { TenantsRepository } from './tenants.repository';

/**
 * Tenant plans (operator), token policies (owners) and the applications catalog (owners and admins).
 * Token issuance calls `assertMayIssue` and reads the catalog and default rights preset.
 */
@Module({
  controllers: [TenantPolicyController, TenantApplicationsController],
  providers: [
    TenantPolicyService,
    TenantsRepository,
    TenantApplicationsRepository,
    TenantApplicationsService,
  ],
  exports: [TenantPolicyService, TenantApplicationsService],
})
export class TenantsModule {}
