import { ApiProperty } from '@nestjs/swagger';
import type { CreatedSigningSecret, SigningSecretView } from '../signing-secrets.service';

/*
 * The response shapes of the signing-secrets API, for the OpenAPI document only: the service returns
 * plain objects, and `implements` keeps these classes in step with them.
 */

/** Obviously not a secret, and not shaped like one (real ones are `lksig_` + 43 characters). */
const EXAMPLE_SECRET = 'lksig_EXAMPLE_not_a_real_secret';

export class SigningSecretResponse implements SigningSecretView {
  @ApiProperty({ format: 'uuid', example: '5a7c2e10-3b4d-4e5f-8a9b-0c1d2e3f4a5b' })
  id!: string;

  @ApiProperty({
    description: 'The first 12 characters of the secret, to recognise it; not a secret.',
    example: 'lksig_EXAMPL',
  })
  secretPrefix!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T14:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'null: the current secret. Otherwise it was rotated and signs beside the new one until then.',
    example: null,
  })
  retiresAt!: string | null;
}

export class SigningSecretListResponse {
  @ApiProperty({
    type: [SigningSecretResponse],
    description: 'The secrets that sign callbacks now, newest first.',
  })
  items!: SigningSecretResponse[];
}

export class PreviousSigningSecretResponse {
  @ApiProperty({ format: 'uuid', example: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' })
  id!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Until then callbacks carry a signature made with each secret.',
    example: '2026-11-24T14:00:00.000Z',
  })
  retiresAt!: string;
}

export class CreatedSigningSecretResponse implements CreatedSigningSecret {
  @ApiProperty({ format: 'uuid', example: '5a7c2e10-3b4d-4e5f-8a9b-0c1d2e3f4a5b' })
  id!: string;

  @ApiProperty({
    description:
      'The signing secret: shown in this response only, never again. Give it to your callback receiver, ' +
      'which checks the `Latchkey-Signature` header with it.',
    example: EXAMPLE_SECRET,
  })
  secret!: string;

  @ApiProperty({ example: 'lksig_EXAMPL' })
  secretPrefix!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T14:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: PreviousSigningSecretResponse,
    nullable: true,
    description: 'The secret this one replaced; null when it is the first.',
  })
  previous!: PreviousSigningSecretResponse | null;
}
