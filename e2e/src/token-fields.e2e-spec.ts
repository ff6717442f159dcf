import { Client } from 'pg';
import request from 'supertest';
import { startSystem, type RunningSystem } from './support/system';

interface Person {
  id: string;
  email: string | null;
}

interface Listed {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  ageDays: number;
  ageWarning: string;
  createdBy: Person;
  issuedBy: Person;
}

interface Created extends Listed {
  token: string;
  warnings: { code: string; field: string; message: string }[];
}

const DAY = 86_400_000;

/**
 * What the list and detail say of a token beyond its own row, on the real issuer, verifier and Postgres:
 * a removed owner's tokens are `owner_inactive` (seeds 000, 001), who issued each token (`issuedBy`),
 * its age in days with seed 003's warnings (creation dates set in the database), and the warnings a
 * name with personal data earns (seed 004).
 */
describe('token fields: status, issuer, age and name warnings', () => {
  let system: RunningSystem;
  let db: Client;
  const tenant = `fields-${Date.now().toString(36)}`;
  let olivia: string;
  let rita: string;

  beforeAll(async () => {
    system = await startSystem();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    olivia = await system.adminAuth({ tenantId: tenant, userId: 'olivia', role: 'owner' });
    rita = await system.adminAuth({ tenantId: tenant, userId: 'rita', role: 'member' });
  });

  afterAll(async () => {
    await db?.end();
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  const create = async (auth: string, body: Record<string, unknown>): Promise<Created> =>
    (await issuer().post('/v1/tokens').set('Authorization', auth).send(body).expect(201)).body as Created;
  const detail = async (id: string): Promise<Listed> =>
    (await issuer().get(`/v1/tokens/${id}`).set('Authorization', olivia).expect(200)).body as Listed;
  const list = async (query: Record<string, string | number> = {}): Promise<Listed[]> =>
    (
      (
        await issuer()
          .get('/v1/tokens')
          .query({ pageSize: 100, ...query })
          .set('Authorization', olivia)
          .expect(200)
      ).body as { items: Listed[] }
    ).items;
  const names = async (query: Record<string, string>) => (await list(query)).map((t) => t.name).sort();
  const setCreatedAt = (id: string, daysAgo: number) =>
    db.query(`UPDATE tokens SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [id, daysAgo]);

  it("shows a removed owner's live tokens as owner_inactive in list, detail and filter (seeds 000, 001)", async () => {
    const kept = await create(olivia, { name: 'olivias-app' });
    const ritas = await create(rita, { name: 'ritas-app' });
    const ritasRevoked = await create(rita, { name: 'ritas-revoked' });
    await issuer().post(`/v1/tokens/${ritasRevoked.id}/revoke`).set('Authorization', rita).expect(200);
    expect(ritas.status).toBe('active');
    expect((await system.verifyHttp(ritas.token).expect(200)).body).toMatchObject({ valid: true });

    await issuer().delete('/v1/members/rita').set('Authorization', olivia).expect(204);

    // The verifier refuses it; the admin API says why, instead of "active".
    expect((await system.verifyHttp(ritas.token).expect(200)).body).toMatchObject({
      valid: false,
      reason: 'OWNER_INACTIVE',
    });
    expect(await detail(ritas.id)).toMatchObject({ status: 'owner_inactive' });
    expect(await detail(ritasRevoked.id)).toMatchObject({ status: 'revoked' });
    expect(await detail(kept.id)).toMatchObject({ status: 'active' });
    const listed = await list();
    expect(listed.find((t) => t.id === ritas.id)?.status).toBe('owner_inactive');
    expect(listed.find((t) => t.id === kept.id)?.status).toBe('active');

    expect(await names({ status: 'owner_inactive' })).toEqual(['ritas-app']);
    expect(await names({ status: 'active' })).not.toContain('ritas-app');
    expect(await names({ status: 'active' })).toContain('olivias-app');
    expect(await names({ status: 'revoked' })).toEqual(['ritas-revoked']);
  });

  it('records who issued each token: the creator, and whoever rotated or renewed it', async () => {
    const created = await create(olivia, { name: 'billing-sync' });
    const olga = { id: 'olivia', email: `olivia@${tenant}.test` };
    expect(created).toMatchObject({ createdBy: olga, issuedBy: olga });
    const rotated = (
      await issuer()
        .post(`/v1/tokens/${created.id}/rotate`)
        .set('Authorization', olivia)
        .send({ oldTokenExpiresIn: 'now' })
        .expect(201)
    ).body as Created;
    expect(rotated).toMatchObject({ createdBy: olga, issuedBy: olga });
    expect(await detail(rotated.id)).toMatchObject({ createdBy: olga, issuedBy: olga });
    // Rows that existed before issued_by was recorded were issued by their owner (the migration).
    const { rows } = await db.query<{ same: boolean }>(
      `SELECT bool_and(issued_by = created_by) AS same FROM tokens WHERE tenant_id = $1 AND replaces_token_id IS NULL`,
      [tenant],
    );
    expect(rows[0].same).toBe(true);
  });

  it('carries ageDays and warns after 6 months and after a year (seed 003)', async () => {
    const fresh = await create(olivia, { name: 'age-fresh', expiresIn: 'never' });
    const young = await create(olivia, { name: 'age-179', expiresIn: 'never' });
    const half = await create(olivia, { name: 'age-200', expiresIn: 'never' });
    const old = await create(olivia, { name: 'age-400', expiresIn: 'never' });
    expect(fresh).toMatchObject({ ageDays: 0, ageWarning: 'none' });
    await setCreatedAt(young.id, 179);
    await setCreatedAt(half.id, 200);
    await setCreatedAt(old.id, 400);

    expect(await detail(young.id)).toMatchObject({ ageDays: 179, ageWarning: 'none', status: 'active' });
    expect(await detail(half.id)).toMatchObject({
      ageDays: 200,
      ageWarning: 'older_than_6_months',
      status: 'active',
    });
    expect(await detail(old.id)).toMatchObject({
      ageDays: 400,
      ageWarning: 'older_than_1_year',
      status: 'active',
    });
    const byName = new Map((await list({ name: 'age-' })).map((t) => [t.name, t]));
    expect(byName.get('age-fresh')).toMatchObject({ ageDays: 0, ageWarning: 'none' });
    expect(byName.get('age-200')).toMatchObject({ ageDays: 200, ageWarning: 'older_than_6_months' });
    expect(byName.get('age-400')).toMatchObject({ ageDays: 400, ageWarning: 'older_than_1_year' });
  });

  it('shows an expired token as expired, in list, detail and filter, and the verifier refuses it', async () => {
    const lapsed = await create(olivia, { name: 'lapsed-export', expiresIn: '30d' });
    await db.query(
      `UPDATE tokens SET created_at = now() - interval '40 days', expires_at = now() - interval '10 days'
        WHERE id = $1`,
      [lapsed.id],
    );
    expect(await detail(lapsed.id)).toMatchObject({ status: 'expired', ageWarning: 'expired', ageDays: 40 });
    // billing-sync: rotated above with no grace, so it ended then.
    expect(await names({ status: 'expired' })).toEqual(['billing-sync', 'lapsed-export']);
    expect(await names({ status: 'active' })).not.toContain('lapsed-export');
    const listed = (await list({ name: 'lapsed' }))[0];
    expect(listed).toMatchObject({ status: 'expired', ageWarning: 'expired', ageDays: 40 });
    expect(Date.now() - Date.parse(listed.createdAt)).toBeGreaterThanOrEqual(40 * DAY - 60_000);
    // Never verified before, so no verifier holds an older state of it.
    expect((await system.verifyHttp(lapsed.token).expect(200)).body).toMatchObject({
      valid: false,
      reason: 'EXPIRED',
    });
  });

  it('warns about personal data in a name on create and renew (seed 004), and issues the token anyway', async () => {
    const mailName = await create(olivia, { name: 'crm for olivia@example.com' });
    expect(mailName.warnings).toEqual([
      { code: 'NAME_CONTAINS_EMAIL', field: 'name', message: expect.stringContaining('e-mail address') },
    ]);
    expect(mailName.token).toMatch(/^lk_/);
    expect(await detail(mailName.id)).toMatchObject({ name: 'crm for olivia@example.com' });

    expect(
      (await create(olivia, { name: 'sms gateway +49 30 1234567' })).warnings.map((w) => w.code),
    ).toEqual(['NAME_CONTAINS_PHONE_NUMBER']);
    const clean = await create(olivia, { name: 'backup-2026-12-03' });
    expect(clean.warnings).toEqual([]);

    const renewed = (
      await issuer()
        .post(`/v1/tokens/${clean.id}/renew`)
        .set('Authorization', olivia)
        .send({ name: 'backup for +1 (555) 123-4567', oldTokenEndsAt: new Date().toISOString() })
        .expect(201)
    ).body as Created;
    expect(renewed.warnings.map((w) => w.code)).toEqual(['NAME_CONTAINS_PHONE_NUMBER']);
    // A warning belongs to the response only: the list carries none.
    expect(Object.keys((await list({ name: 'backup for' }))[0])).not.toContain('warnings');
  });
});
