import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../auth/admin-principal';
import type { MemberStatus } from '../member.entity';
import type { MembersService, MemberView } from '../members.service';

/** Every member status, spelled out so that the compiler notices a new one. */
const MEMBER_STATUSES = Object.keys({ active: true, removed: true } satisfies Record<MemberStatus, true>);

/** `MemberView` for the OpenAPI document; the service returns plain objects. */
export class MemberResponse implements MemberView {
  @ApiProperty({ description: 'The user id (`sub`) from the identity provider.', example: 'bob' })
  userId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'bob@example.com' })
  email!: string | null;

  @ApiProperty({
    enum: ROLES,
    description: "Recorded from the first sign-in's JWT; from then on this record decides.",
    example: 'member',
  })
  role!: Role;

  @ApiProperty({ enum: MEMBER_STATUSES, description: 'A removed member is refused.', example: 'active' })
  status!: MemberStatus;

  @ApiProperty({ format: 'date-time', example: '2026-11-01T09:00:00.000Z' })
  firstSeenAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Refreshed at most once a minute.',
    example: '2026-11-23T14:00:00.000Z',
  })
  lastSeenAt!: string;
}

/** `GET /v1/members`: every member of the tenant, removed ones included, first seen first. */
export class MemberListResponse implements Awaited<ReturnType<MembersService['list']>> {
  @ApiProperty({ type: [MemberResponse] })
  items!: MemberResponse[];
}
