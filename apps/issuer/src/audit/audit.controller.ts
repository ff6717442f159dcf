import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { type AuditEventPage, AuditLogService } from './audit-log.service';
import { ApiProblems } from '../openapi';
import { AuditEventPageResponse } from './dto/audit-event.response';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/audit-events')
@UseGuards(AdminAuthGuard)
export class AuditController {
  constructor(private readonly auditLog: AuditLogService) {}

  @ApiOperation({
    summary: "Read the tenant's audit log",
    description: 'Owners and admins (others get 403 `FORBIDDEN_ROLE`). Newest first, 50 a page.',
  })
  @ApiOkResponse({ type: AuditEventPageResponse, description: 'One page of entries.' })
  @ApiProblems(400)
  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Query() query: ListAuditEventsQuery): Promise<AuditEventPage> {
    return this.auditLog.list(admin, query);
  }
}
