import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { REDEEM_KEY_PATTERN } from '@latchkey/contracts';

/** `POST /apiAccessTokens/requestRenewedToken`: the key a renewal callback carried. */
export class RedeemRenewalKeyDto {
  @ApiProperty({
    description:
      'The `key` from the renewal callback, exactly as received. Anything not shaped like one is 400 ' +
      '`RENEWAL_KEY_MALFORMED`.',
    pattern: REDEEM_KEY_PATTERN.source,
    example: 'lkr_EXAMPLE-not-a-real-key-xxxxxxxxxxxxxxxxxxxx',
  })
  @IsString()
  key!: string;
}
