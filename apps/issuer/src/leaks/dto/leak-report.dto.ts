import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * One match of a leak report, for the OpenAPI document only: the body is read as bytes and parsed
 * after its signature is checked (leak-report.ts).
 */
export class ReportedLeakDto {
  @ApiProperty({ description: 'The string found; for a Latchkey token `lk_` and 49 letters and digits.' })
  token!: string;

  @ApiPropertyOptional({
    description: 'The scanner’s name of the secret type.',
    example: 'latchkey_api_token',
  })
  type?: string;

  @ApiPropertyOptional({
    description: 'Where it was found.',
    example: 'https://github.com/octo/app/blob/abc123/config.js',
  })
  url?: string;

  @ApiPropertyOptional({ description: 'What kind of place.', example: 'content' })
  source?: string;
}

/** The answer for one reported token, as the partner protocol expects it. */
export class LeakOutcomeResponse {
  @ApiProperty({ description: 'The reported string, as received.' })
  token_raw!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The reported `type`, as received.' })
  token_type!: string | null;

  @ApiProperty({
    enum: ['true_positive', 'false_positive'],
    description:
      '`true_positive`: a Latchkey token (revoked now if it was live; already revoked or expired ones too). ' +
      '`false_positive`: no Latchkey token matches.',
  })
  label!: 'true_positive' | 'false_positive';
}
