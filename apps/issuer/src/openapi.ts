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
import { REDEEM_PATH } from '@latchkey/contracts';

/** The name of the bearer security scheme every admin endpoint names with `@ApiBearerAuth()`. */
const ADMIN_JWT_SCHEME = 'bearer';
/** The scheme of the one endpoint that takes an API token as its credential: `POST /v1/tokens/revoke-self`. */
export const API_TOKEN_SCHEME = 'apiToken';
/** The scheme of the secret-scanning intake: a signature over the body (`POST /v1/leaks`). */
export const LEAK_SIGNATURE_SCHEME = 'leakReportSignature';

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

/** The issuer's admin API as OpenAPI 3.1, built from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Latchkey issuer API')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'This issuer (the document is served by the issuer it describes)')
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
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Github-Public-Key-Signature',
        description:
          'the secret scanner’s ECDSA-SHA256 signature of the raw body, by the key that ' +
          '`Github-Public-Key-Identifier` names (GitHub secret-scanning partner protocol)',
      },
      LEAK_SIGNATURE_SCHEME,
    )
    .build();
  return toOpenApi31(SwaggerModule.createDocument(app, config));
}

/**
 * Operations anyone may call, without the admin JWT: declared with an empty `security` so that an
 * admin endpoint that forgets `@ApiBearerAuth()` stands out (`redocly lint`, rule security-defined).
 */
const PUBLIC_OPERATIONS: Record<string, { summary?: string; probe?: boolean }> = {
  'GET /health': { summary: 'Liveness probe', probe: true },
  'GET /ready': { summary: 'Readiness probe: every dependency answers', probe: true },
  'GET /metrics': { summary: 'Prometheus metrics (reach it only from Prometheus)', probe: true },
  [`POST ${REDEEM_PATH}`]: {},
};

/**
 * What @nestjs/swagger writes in the 3.0 dialect, rewritten for 3.1 (JSON Schema 2020-12): `nullable`
 * becomes a `null` type; and the public operations are declared as such.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  document.openapi = '3.1.0';
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as Array<[string, Record<string, unknown>]>) {
      const open = PUBLIC_OPERATIONS[`${method.toUpperCase()} ${path}`];
      if (open === undefined || typeof operation !== 'object' || operation === null) continue;
      operation.security ??= [];
      if (open.summary && !operation.summary) operation.summary = open.summary;
      if (open.probe) {
        // Every request's path and query are checked for unsafe text first, the probes' too.
        const responses = (operation.responses ??= {}) as Record<string, unknown>;
        responses['400'] ??= {
          description: 'A control character or lone surrogate in the path or query (`INVALID_CHARACTERS`).',
          content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } },
        };
      }
    }
  }
  rewriteNullable(document);
  return document;
}

function rewriteNullable(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(rewriteNullable);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (schema.nullable === true) {
    delete schema.nullable;
    const { allOf, $ref } = schema;
    if (Array.isArray(allOf) || typeof $ref === 'string') {
      // A nullable reference: `oneOf` the referenced schema or null (one `allOf` member is the reference).
      const members = allOf as unknown[] | undefined;
      const target: unknown = members ? (members.length === 1 ? members[0] : { allOf: members }) : { $ref };
      delete schema.allOf;
      delete schema.$ref;
      delete schema.type;
      schema.oneOf = [target, { type: 'null' }];
    } else if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      const values = schema.enum as unknown[] | undefined;
      if (Array.isArray(values) && !values.includes(null)) schema.enum = [...values, null];
    }
  } else if (schema.nullable === false) {
    delete schema.nullable;
  }
  for (const value of Object.values(schema)) rewriteNullable(value);
}

/** The issuer's package version; the file sits one level above both `src/` and `dist/`. */
function issuerVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    return String(manifest.version);
  }
  throw new Error('apps/issuer/package.json has no version');
}
