import { ApiProperty } from '@nestjs/swagger';
import type { RenewedToken } from '../renewal-redemption.service';

/* The redeem endpoint's answer, for the OpenAPI document; `implements` keeps it in step with the service. */

type ReplacedTokenEnd = RenewedToken['replaces'];

export class ReplacedTokenEndResponse implements ReplacedTokenEnd {
  @ApiProperty({
    format: 'uuid',
    description: 'The token that was renewed.',
    example: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f',
  })
  id!: string;

  @ApiProperty({
    format: 'date-time',
    description:
      'When the renewed token stops working: 24 hours from now by default, or its own expiry if sooner. ' +
      'Switch to the new token before then.',
    example: '2026-11-24T14:00:00.000Z',
  })
  endsAt!: string;
}

export class RenewedTokenResponse implements RenewedToken {
  @ApiProperty({
    description: 'The new token’s plaintext: in this response only, never again. Store it now.',
    example: 'lk_EXAMPLE_not_a_real_token',
  })
  token!: string;

  @ApiProperty({ format: 'uuid', example: '7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6' })
  id!: string;

  @ApiProperty({ description: 'The same name as the token it renews.', example: 'prod-main-app' })
  name!: string;

  @ApiProperty({
    description: 'The first 8 characters of the new token, to recognise it; not a secret.',
    example: 'lk_EXAMP',
  })
  keyPrefix!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The renewed token’s lifetime again, counted from now; null: never expires.',
    example: '2027-02-21T14:00:00.000Z',
  })
  expiresAt!: string | null;

  @ApiProperty({ type: [String], description: 'As the renewed token’s.', example: ['*'] })
  scopes!: string[];

  @ApiProperty({ type: [String], description: 'As the renewed token’s.', example: [] })
  resources!: string[];

  @ApiProperty({ type: ReplacedTokenEndResponse })
  replaces!: ReplacedTokenEndResponse;
}
