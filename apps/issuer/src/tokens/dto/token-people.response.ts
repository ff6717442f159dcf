import { ApiProperty } from '@nestjs/swagger';
import type { TokenView } from '../token-view';

/* The people a token names (its owner, who issued it), for the OpenAPI document; see token.response.ts. */

type TokenCreator = TokenView['createdBy'];

export class TokenCreatorResponse implements TokenCreator {
  @ApiProperty({
    description:
      'User id (`sub`) of the owner the token acts for: who created it, or for a rotated or renewed ' +
      'token the owner of the token it replaced.',
    example: 'alice',
  })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Their email when the token (or the first of its line) was created.',
    example: 'alice@example.com',
  })
  email!: string | null;
}

export class TokenIssuerResponse implements TokenCreator {
  @ApiProperty({
    description:
      'Who issued this very token: the user id (`sub`) of the person who created, rotated or renewed ' +
      'it, or `system:auto-renewal` for a successor issued by auto-renewal. Equals `createdBy.id` ' +
      'unless someone other than the owner issued it.',
    example: 'alice',
  })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Their email when they issued it; null for a service.',
    example: 'alice@example.com',
  })
  email!: string | null;
}
