import { ApiProperty } from '@nestjs/swagger';
import { TOKEN_WARNING_CODES, type TokenWarning, type TokenWarningCode } from '../token-name-warnings';

/** A warning in a create, rotate or renew response (seed 004), for the OpenAPI document only. */
export class TokenWarningResponse implements TokenWarning {
  @ApiProperty({
    enum: TOKEN_WARNING_CODES,
    description:
      'Stable code. `NAME_CONTAINS_EMAIL`: the name contains something shaped like an e-mail address ' +
      '(`local@domain.tld`); `NAME_CONTAINS_PHONE_NUMBER`: a `+` and 8 to 15 digits, or 9 to 15 digits ' +
      'in one run (spaces, hyphens, dots and parentheses allowed, at most two between two digits; ' +
      'ISO dates such as 2026-12-03 ignored).',
    example: 'NAME_CONTAINS_EMAIL',
  })
  code!: TokenWarningCode;

  @ApiProperty({ enum: ['name'], description: 'The request field the warning is about.', example: 'name' })
  field!: 'name';

  @ApiProperty({
    description: 'For people; the wording may change.',
    example: 'The name looks like it contains an e-mail address. …',
  })
  message!: string;
}
