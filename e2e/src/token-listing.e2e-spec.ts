import request from 'supertest';
import { startSystem, type RunningSystem } from './support/system';

interface Listed {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  ageWarning: string;
}

interface Page {
  items: Listed[];
  page: number;
  pageSize: number;
  total: number;
}

/** The token list (seeds 000, 001, 003): 15 per page, newest first, sortable, filterable, age warnings. */
describe('listing tokens', () => {
  let system: RunningSystem;
  let admin: string;
  const names = Array.from({ length: 20 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId: 'listing', userId: 'lena', role: 'owner' });
    for (const name of names) {
      await request(system.issuer.url)
        .post('/v1/tokens')
        .set('Authorization', admin)
        .send({ name })
        .expect(201);
    }
    await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'Reporting_Script 100%' })
      .expect(201);
  });

  afterAll(async () => {
    await system?.close();
  });

  const list = async (query: Record<string, string | number> = {}): Promise<Page> =>
    (await request(system.issuer.url).get('/v1/tokens').query(query).set('Authorization', admin).expect(200))
      .body as Page;

  it('shows 15 per page, newest first, with the total', async () => {
    const first = await list();
    expect(first).toMatchObject({ page: 1, pageSize: 15, total: 21 });
    expect(first.items).toHaveLength(15);
    expect(first.items[0].name).toBe('Reporting_Script 100%');
    const created = first.items.map((t) => Date.parse(t.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const second = await list({ page: 2 });
    expect(second.items).toHaveLength(6);
    const ids = new Set([...first.items, ...second.items].map((t) => t.id));
    expect(ids.size).toBe(21);
    expect((await list({ page: 3 })).items).toEqual([]);
  });

  it('sorts by name either way', async () => {
    const asc = await list({ sort: 'name', order: 'asc', pageSize: 100 });
    expect(asc.items.map((t) => t.name)).toEqual(
      [...names, 'Reporting_Script 100%'].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    const desc = await list({ sort: 'name', order: 'desc', pageSize: 3 });
    expect(desc.items.map((t) => t.name)).toEqual(['svc-19', 'svc-18', 'svc-17']);
  });

  it('filters by name, case-insensitively and literally', async () => {
    expect((await list({ name: 'REPORTING' })).items.map((t) => t.name)).toEqual(['Reporting_Script 100%']);
    expect((await list({ name: 'g_s' })).total).toBe(1);
    expect((await list({ name: '%' })).total).toBe(1);
    expect((await list({ name: 'svc-1' })).total).toBe(10);
  });

  it('filters by status', async () => {
    const target = (await list({ name: 'svc-03' })).items[0];
    await request(system.issuer.url)
      .post(`/v1/tokens/${target.id}/revoke`)
      .set('Authorization', admin)
      .expect(200);
    const revoked = await list({ status: 'revoked' });
    expect(revoked.items.map((t) => t.id)).toEqual([target.id]);
    expect((await list({ status: 'active' })).total).toBe(20);
    expect((await list({ status: 'expired' })).total).toBe(0);
  });

  it('marks young tokens with no age warning', async () => {
    expect(new Set((await list({ pageSize: 100 })).items.map((t) => t.ageWarning))).toEqual(
      new Set(['none']),
    );
  });

  it('shows who created each token, with their email (seed 000)', async () => {
    const item = (await list({ pageSize: 1 })).items[0] as unknown as { createdBy: unknown };
    expect(item.createdBy).toEqual({ id: 'lena', email: 'lena@listing.test' });
  });

  it.each([
    ['a page size over 100', { pageSize: 101 }],
    ['page 0', { page: 0 }],
    ['an unknown sort field', { sort: 'usageCount' }],
    ['an unknown status', { status: 'deleted' }],
    ['an unknown parameter', { tenantId: 'other' }],
  ])('rejects %s with 400', async (_label, query) => {
    const res = await request(system.issuer.url)
      .get('/v1/tokens')
      .query(query)
      .set('Authorization', admin)
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
