import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { ApplicationsResponse, ReplaceApplicationsDto } from './dto/applications.dto';
import { TenantApplicationsService, type TokenCatalogView } from './tenant-applications.service';

@ApiTags('tenant')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tenant/applications')
@UseGuards(AdminAuthGuard)
export class TenantApplicationsController {
  constructor(private readonly applications: TenantApplicationsService) {}

  @ApiOperation({
    summary: "Show the tenant's applications catalog and default rights preset",
    description:
      'Every role (the create dialog offers both). A tenant with an empty catalog accepts any resource id ' +
      'on new tokens.',
  })
  @ApiOkResponse({
    type: ApplicationsResponse,
    description: 'The catalog, in order, and the default preset.',
  })
  @Get()
  get(@CurrentAdmin() admin: AdminPrincipal): Promise<TokenCatalogView> {
    return this.applications.view(admin);
  }

  @ApiOperation({
    summary: "Replace the tenant's applications catalog",
    description:
      "Owners and admins (others get 403 `FORBIDDEN_ROLE`). From then on a new token's `resources` must be " +
      'ids from the catalog (422 `UNKNOWN_RESOURCE`); an empty list returns to free-form resource ids. ' +
      'Existing tokens keep their resources. A change is announced (`dev.latchkey.tenant.policy-changed`, ' +
      'field `applications`) and recorded in the audit log as `tenant.policy_changed`, with the catalog ' +
      'before and after. Errors: 400 `VALIDATION_FAILED` (duplicate ids, a blank name, more than 200 entries).',
  })
  @ApiOkResponse({ type: ApplicationsResponse, description: 'The catalog now in force.' })
  @ApiProblems(400, 413, 415)
  @Put()
  replace(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: ReplaceApplicationsDto,
  ): Promise<TokenCatalogView> {
    return this.applications.replace(admin, body);
  }
}
