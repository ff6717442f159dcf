import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { TenantPolicyResponse } from './dto/tenant-policy.response';
import { UpdateTenantPolicyDto } from './dto/update-tenant-policy.dto';
import { TenantPolicyService, type TenantPolicyView } from './tenant-policy.service';

@ApiTags('tenant')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tenant/policy')
@UseGuards(AdminAuthGuard)
export class TenantPolicyController {
  constructor(private readonly policies: TenantPolicyService) {}

  @ApiOperation({
    summary: "Show the tenant's plan, token policy and governance policy",
    description:
      'Every member of the tenant (owners, admins and members): the plan and whether it includes API ' +
      'access (seed 004: members see "Upgrade required" too), and the rules their own requests must meet.',
  })
  @ApiOkResponse({ type: TenantPolicyResponse, description: "The tenant's plan and policy." })
  @Get()
  get(@CurrentAdmin() admin: AdminPrincipal): Promise<TenantPolicyView> {
    return this.policies.view(admin);
  }

  @ApiOperation({
    summary: "Change the tenant's token and governance policy",
    description:
      'Owners only (others get 403 `FORBIDDEN_ROLE`); only the fields given change. The plan is set by the ' +
      'operator: a `plan` field is refused like any unknown field. A change is announced ' +
      '(`dev.latchkey.tenant.policy-changed`) and recorded in the audit log as `tenant.policy_changed`, ' +
      'with the values before and after. Errors: 400 `VALIDATION_FAILED`; 403 `FORBIDDEN_ROLE`.',
  })
  @ApiOkResponse({ type: TenantPolicyResponse, description: 'The policy now in force.' })
  @ApiProblems(400, 413, 415)
  @Patch()
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: UpdateTenantPolicyDto,
  ): Promise<TenantPolicyView> {
    return this.policies.update(admin, body);
  }
}
