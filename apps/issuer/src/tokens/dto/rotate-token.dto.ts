import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

/** How long the old secret keeps working after a rotation (seed 004, Stripe-style grace). */
export const ROTATION_GRACE_CHOICES = ['now', '1h', '24h', '7d'] as const;
export type RotationGrace = (typeof ROTATION_GRACE_CHOICES)[number];

export class RotateTokenDto {
  @ApiProperty({
    enum: ROTATION_GRACE_CHOICES,
    description: "How long the old secret keeps working (never past the old token's own expiry).",
    example: '24h',
  })
  @IsIn(ROTATION_GRACE_CHOICES)
  oldTokenExpiresIn!: RotationGrace;
}
