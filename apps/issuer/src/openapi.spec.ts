import type { OpenAPIObject } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi';

const documentWith = (schemas: Record<string, unknown>, paths: Record<string, unknown> = {}): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas } }) as OpenAPIObject;

describe('the OpenAPI 3.1 rewrite', () => {
  it('turns nullable values into null types and nullable references into oneOf with null', () => {
    const document = toOpenApi31(
      documentWith({
        Thing: {
          type: 'object',
          properties: {
            name: { type: 'string', nullable: true, example: 'x' },
            kind: { type: 'string', enum: ['a', 'b'], nullable: true },
            owner: {
              type: 'object',
              nullable: true,
              description: 'The owner.',
              allOf: [{ $ref: '#/components/schemas/Owner' }],
            },
            parent: { $ref: '#/components/schemas/Thing', nullable: true },
            count: { type: 'integer', nullable: false },
            tags: { type: 'array', items: { type: 'string', nullable: true } },
          },
        },
      }),
    );
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.schemas?.Thing).toEqual({
      type: 'object',
      properties: {
        name: { type: ['string', 'null'], example: 'x' },
        kind: { type: ['string', 'null'], enum: ['a', 'b', null] },
        owner: {
          description: 'The owner.',
          oneOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'null' }],
        },
        parent: { oneOf: [{ $ref: '#/components/schemas/Thing' }, { type: 'null' }] },
        count: { type: 'integer' },
        tags: { type: 'array', items: { type: ['string', 'null'] } },
      },
    });
    expect(JSON.stringify(document)).not.toContain('nullable');
  });

  it('declares the probes and the redeem endpoint public, and leaves admin operations alone', () => {
    const document = toOpenApi31(
      documentWith(
        {},
        {
          '/health': { get: { responses: {} } },
          '/ready': { get: { responses: {} } },
          '/apiAccessTokens/requestRenewedToken': { post: { summary: 'Redeem', responses: {} } },
          '/v1/tokens': { post: { summary: 'Create', responses: {} } },
        },
      ),
    );
    expect(document.paths['/health'].get).toMatchObject({
      security: [],
      summary: 'Liveness probe',
      responses: { '400': { content: { 'application/problem+json': expect.any(Object) } } },
    });
    expect(document.paths['/ready'].get).toMatchObject({ security: [], summary: expect.any(String) });
    expect(document.paths['/apiAccessTokens/requestRenewedToken'].post).toEqual({
      summary: 'Redeem',
      security: [],
      responses: {},
    });
    expect(document.paths['/v1/tokens'].post).toEqual({ summary: 'Create', responses: {} });
  });
});
