import request from 'supertest';
import { startSystem, type RunningSystem } from './support/system';

/** A tenant holds at most MAX_TOKENS_PER_TENANT live tokens; revoked and expired ones do not count. */
describe('tokens per tenant', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ env: { MAX_TOKENS_PER_TENANT: '3' } });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses the token over the limit, also concurrently, and frees a place on revocation', async () => {
    const admin = await system.adminAuth({ tenantId: 'limited', userId: 'lars', role: 'admin' });
    const create = () =>
      request(system.issuer.url).post('/v1/tokens').set('Authorization', admin).send({ name: 'n' });
    const answers = await Promise.all([create(), create(), create(), create(), create()]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 422, 422]);
    const refused = answers.find((a) => a.status === 422);
    expect(refused?.body).toMatchObject({ code: 'TOKEN_LIMIT_REACHED', limit: 3 });

    const other = await system.adminAuth({ tenantId: 'unlimited', userId: 'uma', role: 'admin' });
    await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', other)
      .send({ name: 'n' })
      .expect(201);

    const first = answers.find((a) => a.status === 201)?.body as { id: string };
    await request(system.issuer.url)
      .post(`/v1/tokens/${first.id}/revoke`)
      .set('Authorization', admin)
      .expect(200);
    await create().expect(201);
    await create().expect(422);
  });
});
