import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';

/** The name of the bearer security scheme every admin endpoint names with `@ApiBearerAuth()`. */
const ADMIN_JWT_SCHEME = 'bearer';
/** The scheme of the one endpoint that takes an API token as its credential: `POST /v1/tokens/revoke-self`. */
export const API_TOKEN_SCHEME = 'apiToken';

/**
 * The body of every error (RFC 9457), as `ProblemDetailsFilter` in service-runtime writes it. Only
 * the schema for the OpenAPI document: the filter builds plain objects.
 */
export class ProblemDetails {
  @ApiProperty({ format: 'uri', example: 'https://latchkey.dev/problems/token-not-found' })
  type!: string;

  @ApiProperty({ description: 'The HTTP status in words.', example: 'Not Found' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 404 })
  status!: number;

  @ApiProperty({ description: 'What went wrong, for people.', example: 'No token 0f4b… in your tenant.' })
  detail!: string;

  @ApiProperty({
    description: 'Stable and machine-readable: branch on this, never on `detail`.',
    example: 'TOKEN_NOT_FOUND',
  })
  code!: string;

  @ApiPropertyOptional({ description: 'The request path.', example: '/v1/tokens/0f4b…' })
  instance?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'With `VALIDATION_FAILED`: every violation found. Other codes may add their own fields.',
    example: ['name must be shorter than or equal to 128 characters'],
  })
  errors?: string[];
}

/** The error statuses the admin API answers. */
export type ProblemStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** What each error status means on this API; the operation's description names its specific codes. */
const PROBLEMS: Record<ProblemStatus, string> = {
  400:
    'Invalid request: `VALIDATION_FAILED` (with `errors`), `MALFORMED_BODY`, `BODY_TOO_DEEP` (JSON nested over ' +
    '64 levels), `INVALID_CHARACTERS` (a control character or lone surrogate in path, query, body or admin JWT), ' +
    'or a rule named in the description.',
  401: 'No admin JWT (`UNAUTHENTICATED`), an invalid or expired one (`INVALID_ADMIN_TOKEN`), or an API token (`API_TOKEN_NOT_ACCEPTED`).',
  402: "The tenant's plan does not include API access (`UPGRADE_REQUIRED`).",
  403: 'Not allowed: a removed member (`MEMBER_REMOVED`), or a role or rule named in the description.',
  404: "No such resource in your tenant (another tenant's resources are never revealed).",
  409: "Conflicts with the resource's current state; the description names the codes.",
  413: 'The body is larger than the issuer accepts (`PAYLOAD_TOO_LARGE`).',
  415: 'The body is not UTF-8 JSON (`UNSUPPORTED_MEDIA_TYPE`) or is compressed (`UNSUPPORTED_CONTENT_ENCODING`).',
  422: "Understood but refused by a business rule or the tenant's policy; the description names the codes.",
  429: 'Too many requests for the tenant (`RATE_LIMITED`, `ADMIN_API_RATE_LIMIT`); wait `Retry-After` seconds.',
  503: 'The change could not reach the verifiers, so nothing was changed; try again.',
};

/** Documents the error statuses an operation answers, each as `application/problem+json`. */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEMS[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } },
      }),
    ),
  );
}

/** The issuer's admin API as OpenAPI 3, built from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Latchkey issuer API')
    .setVersion(issuerVersion())
    .setDescription(
      'The admin API of the Latchkey issuer: create, list, edit, rotate, renew and revoke API tokens, ' +
        "set up their auto-renewal, manage the tenant's token policy and callback signing secrets, " +
        'manage members and read the audit log; take leak reports from secret scanners and let a ' +
        "token's holder revoke it. A token's plaintext " +
        'appears once, in the response that creates it, and never again. Every error is RFC 9457 ' +
        '`application/problem+json` with a stable `code` to branch on.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'admin JWT from your identity provider; API tokens are refused',
      },
      ADMIN_JWT_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'lk_…',
        description: 'the Latchkey API token itself: only `POST /v1/tokens/revoke-self` accepts it',
      },
      API_TOKEN_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** The issuer's package version; the file sits one level above both `src/` and `dist/`. */
function issuerVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    return String(manifest.version);
  }
  throw new Error('apps/issuer/package.json has no version');
}
