import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, type Role } from '../../auth/admin-principal';

/** `PATCH /v1/members/:userId`: the member's new role; nothing else about a member is editable. */
export class UpdateMemberDto {
  @ApiProperty({
    enum: ROLES,
    description: 'Only owners grant or revoke `owner`; nobody changes their own role.',
    example: 'admin',
  })
  @IsIn(ROLES)
  role!: Role;
}
