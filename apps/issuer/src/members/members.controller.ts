import { Body, Controller, Delete, Get, HttpCode, Param, Patch, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { MemberListResponse, MemberResponse } from './dto/member.response';
import { UpdateMemberDto } from './dto/update-member.dto';
import { type MemberView, MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/members')
@UseGuards(AdminAuthGuard)
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @ApiOperation({
    summary: "List the tenant's members",
    description: 'Owners and admins (others get 403 `FORBIDDEN_ROLE`); removed members included.',
  })
  @ApiOkResponse({ type: MemberListResponse, description: 'Every member, first seen first.' })
  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal): Promise<{ items: MemberView[] }> {
    return this.members.list(admin);
  }

  @ApiOperation({
    summary: "Change a member's role",
    description:
      'Owners and admins; only owners grant or revoke `owner` (403 `FORBIDDEN_ROLE`). Errors: 404 ' +
      '`MEMBER_NOT_FOUND`; 409 `MEMBER_ALREADY_REMOVED`, `CANNOT_CHANGE_OWN_ROLE`, `LAST_OWNER`; 503 ' +
      '`MEMBER_CHANGE_NOT_REPLICATED` (nothing was changed).',
  })
  @ApiParam({ name: 'userId', description: "The member's user id (`sub`)." })
  @ApiOkResponse({ type: MemberResponse, description: 'The member, with their role now.' })
  @ApiProblems(400, 404, 409, 413, 415, 503)
  @Patch(':userId')
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('userId') userId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberView> {
    return this.members.changeRole(admin, userId, body.role);
  }

  @ApiOperation({
    summary: 'Remove a member',
    description:
      'Owners and admins; only owners remove an owner (403 `FORBIDDEN_ROLE`). Their tokens stop working ' +
      'with them. Errors: 404 `MEMBER_NOT_FOUND`; 409 `MEMBER_ALREADY_REMOVED`, `CANNOT_REMOVE_SELF`, ' +
      '`LAST_OWNER`; 503 `MEMBER_CHANGE_NOT_REPLICATED` (nothing was changed).',
  })
  @ApiParam({ name: 'userId', description: "The member's user id (`sub`)." })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(404, 409, 503)
  @Delete(':userId')
  @HttpCode(204)
  remove(@CurrentAdmin() admin: AdminPrincipal, @Param('userId') userId: string): Promise<void> {
    return this.members.remove(admin, userId);
  }
}
