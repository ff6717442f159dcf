import { z } from 'zod';
import { VerifyReason, verifyRequest } from '@latchkey/contracts';

const problem = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is the stable, machine-readable part.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
  },
};

const problemAnswer = (description: string, codes: string[], headers?: Record<string, unknown>) => ({
  description: `${description} (code ${codes.join(' or ')})`,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

const nullableText = { type: ['string', 'null'] };

/**
 * The verifier's HTTP API as an OpenAPI 3.1 document, served at GET /docs/openapi.json. The request
 * body is the JSON Schema of `verifyRequest` itself, the zod schema the handler validates with, so the
 * two cannot drift apart; the answers are described here, next to it.
 */
export function verifierOpenApiDocument(): Record<string, unknown> {
  const { $schema: _dialect, ...requestSchema } = z.toJSONSchema(verifyRequest, { io: 'input' });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Latchkey verifier API',
      version: '1',
      description:
        'Verifies API tokens. The same operation is offered over gRPC (latchkey.verifier.v1.TokenVerifier/Verify, ' +
        'libs/contracts/proto/verifier.proto). Every verdict is a 200: a refused token is not an HTTP error.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [
      { url: '/', description: 'This verifier (the document is served by the verifier it describes)' },
    ],
    paths: {
      '/v1/verify': {
        post: {
          operationId: 'verify',
          summary: 'Verify a token for an operation',
          // No caller credentials: the verifier is reached only from the services' own network (the token
          // verified is the credential in question).
          security: [],
          requestBody: {
            required: true,
            description: 'JSON (UTF-8), uncompressed, at most 16 KB, nested at most 64 levels.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/VerifyRequest' } } },
          },
          responses: {
            '200': {
              description: 'The verdict.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/VerifyResponse' } } },
            },
            '400': problemAnswer('The body is not a valid verify request', [
              'VALIDATION_FAILED',
              'MALFORMED_BODY',
              'BODY_TOO_DEEP',
              'INVALID_CHARACTERS',
            ]),
            '413': problemAnswer('The body is larger than 16 KB', ['PAYLOAD_TOO_LARGE']),
            '415': problemAnswer('The body is compressed or not UTF JSON', [
              'UNSUPPORTED_CONTENT_ENCODING',
              'UNSUPPORTED_MEDIA_TYPE',
            ]),
            '429': problemAnswer(
              "The caller's refused verifications passed their limit; valid tokens are still answered",
              ['RATE_LIMITED'],
              retryAfter,
            ),
            '431': problemAnswer('The request head is larger than 16 KB', ['HEADERS_TOO_LARGE']),
            '503': problemAnswer(
              'Neither the cache nor the token store could answer',
              ['VERIFIER_UNAVAILABLE'],
              retryAfter,
            ),
          },
        },
      },
    },
    components: {
      schemas: {
        VerifyRequest: requestSchema,
        VerifyResponse: {
          type: 'object',
          required: [
            'valid',
            'reason',
            'tokenId',
            'tenantId',
            'ownerId',
            'expiresAt',
            'effectivePermissions',
            'resources',
          ],
          properties: {
            valid: { type: 'boolean' },
            reason: {
              type: 'string',
              enum: Object.values(VerifyReason),
              description: 'Additive: treat an unknown reason as a refusal.',
            },
            tokenId: nullableText,
            tenantId: nullableText,
            ownerId: nullableText,
            expiresAt: {
              ...nullableText,
              format: 'date-time',
              description: 'Null when the token never expires.',
            },
            effectivePermissions: { type: 'array', items: { type: 'string' } },
            resources: {
              type: 'array',
              items: { type: 'string' },
              description: 'The resources the token is restricted to; empty means no restriction.',
            },
          },
        },
        Problem: problem,
      },
    },
  };
}
