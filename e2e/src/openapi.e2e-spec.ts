import request from 'supertest';
import { startSystem, type RunningSystem } from './support/system';

/** The API reference: generated from the code, served by the issuer itself, and free of secrets. */
describe('API reference', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);

  it('serves Swagger UI at /docs', async () => {
    const res = await issuer().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  describe('the OpenAPI document at /docs/openapi.json', () => {
    let res: request.Response;

    beforeAll(async () => {
      res = await issuer().get('/docs/openapi.json').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('is OpenAPI 3.1 and describes every admin endpoint', () => {
      const document = res.body;
      expect(document.openapi).toBe('3.1.0');
      expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
      expect(document.info.title).toBe('Latchkey issuer API');
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/v1/tokens',
          '/v1/tokens/{id}',
          '/v1/tokens/{id}/revoke',
          '/v1/tokens/{id}/rotate',
          '/v1/tokens/{id}/renew',
          '/v1/tenant/policy',
          '/v1/members',
          '/v1/members/{userId}',
          '/v1/audit-events',
        ]),
      );
    });

    it('states the create-token rules the validation enforces', () => {
      const document = res.body;
      const ref: string =
        document.paths['/v1/tokens'].post.requestBody.content['application/json'].schema.$ref;
      const schema = document.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(schema.required).toContain('name');
      expect(schema.properties.name.maxLength).toBe(128);
      expect(schema.properties.expiresIn.enum).toEqual(['30d', '60d', '90d', '1y', 'never']);
    });

    it('declares the admin JWT as a bearer scheme, required by the token endpoints', () => {
      const document = res.body;
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.paths['/v1/tokens'].post.security).toEqual([{ bearer: [] }]);
    });

    it('documents errors as problem+json', () => {
      const document = res.body;
      const notFound = document.paths['/v1/tokens/{id}'].get.responses['404'];
      expect(notFound.content['application/problem+json'].schema.$ref).toBe(
        '#/components/schemas/ProblemDetails',
      );
      expect(document.components.schemas.ProblemDetails.required).toEqual(
        expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
      );
    });

    it('documents what the probes answer to unsafe text, truthfully', async () => {
      expect(res.body.paths['/health'].get.responses['400']).toBeDefined();
      const bad = await issuer().get('/health?x=%00').expect(400);
      expect(bad.body).toMatchObject({ code: 'INVALID_CHARACTERS' });
    });

    it('contains nothing shaped like a real token', () => {
      expect(res.text).not.toMatch(/lk_[0-9A-Za-z]{40,}/);
    });
  });
});
