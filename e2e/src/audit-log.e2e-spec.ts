import { Kafka, logLevel, type Producer } from 'kafkajs';
import request from 'supertest';
import { createEvent, EventType, Topic, topicName } from '@latchkey/contracts';
import { toMessage } from '@latchkey/messaging';
import { waitFor, withClient } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

interface Entry {
  id: string;
  type: string;
  actorId: string | null;
  tokenId: string | null;
  subjectId: string;
  occurredAt: string;
  recordedAt: string;
  details: Record<string, unknown>;
}

interface Page {
  items: Entry[];
  page: number;
  pageSize: number;
  total: number;
}

const TENANT = 'audit-log';

/**
 * Every admin action and usage summary lands in the tenant's append-only audit log, fed from the
 * events (seed 002): a token's life, seen newest first, filtered and paged, never by another tenant.
 */
describe('audit log', () => {
  let system: RunningSystem;
  let admin: string;
  let owner: string;
  let kafka: Kafka;
  let producer: Producer;
  /** The token created, edited, rotated (1 h grace) by carla and then revoked by olga. */
  let old: { id: string };
  /** Its successor, verified three times. */
  let successor: { id: string; token: string };

  const issuer = () => request(system.issuer.url);
  const list = (auth: string, query: Record<string, string | number> = {}) =>
    issuer().get('/v1/audit-events').query(query).set('Authorization', auth);
  /** Polls the audit log until `ready` holds for what it shows. */
  const listUntil = (
    auth: string,
    query: Record<string, string | number>,
    ready: (items: Entry[]) => boolean,
    what: string,
  ): Promise<Page> =>
    waitFor(
      async () => {
        const page = (await list(auth, query).expect(200)).body as Page;
        return ready(page.items) ? page : undefined;
      },
      { timeoutMs: 30_000, what },
    );

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId: TENANT, userId: 'carla', role: 'admin' });
    owner = await system.adminAuth({ tenantId: TENANT, userId: 'olga', role: 'owner' });
    kafka = new Kafka({
      clientId: 'e2e-audit',
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();

    old = (await issuer().post('/v1/tokens').set('Authorization', admin).send({ name: 'crm' }).expect(201))
      .body as { id: string };
    await issuer()
      .patch(`/v1/tokens/${old.id}`)
      .set('Authorization', admin)
      .send({ description: 'syncs contacts' })
      .expect(200);
    successor = (
      await issuer()
        .post(`/v1/tokens/${old.id}/rotate`)
        .set('Authorization', admin)
        .send({ oldTokenExpiresIn: '1h' })
        .expect(201)
    ).body as { id: string; token: string };
    await issuer().post(`/v1/tokens/${old.id}/revoke`).set('Authorization', owner).expect(200);
    for (let i = 0; i < 3; i++) {
      expect((await system.verifyHttp(successor.token)).body.reason).toBe('OK');
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await system?.close();
  });

  /** The old token's four entries, once they are all recorded. */
  const oldTokenEntries = () =>
    listUntil(admin, { tokenId: old.id }, (items) => items.length === 4, 'the old token’s 4 entries');

  it('records a token’s life with who did what, newest first', async () => {
    const { items, total, page, pageSize } = await oldTokenEntries();
    expect({ total, page, pageSize }).toEqual({ total: 4, page: 1, pageSize: 50 });
    expect(items.map((e) => [e.type, e.actorId])).toEqual([
      ['token.revoked', 'olga'],
      ['token.renewed', 'carla'],
      ['token.updated', 'carla'],
      ['token.created', 'carla'],
    ]);
    for (const entry of items) {
      expect(entry).toMatchObject({ tokenId: old.id, subjectId: old.id });
      expect(Date.parse(entry.recordedAt)).toBeGreaterThanOrEqual(Date.parse(entry.occurredAt) - 1_000);
      expect(entry).not.toHaveProperty('tenantId');
    }
    expect(items[1].details).toMatchObject({ oldTokenId: old.id, newTokenId: successor.id });
    expect(items[2].details).toMatchObject({ changes: { description: 'syncs contacts' } });
    const times = items.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('records the successor’s creation and its usage summaries (no actor)', async () => {
    const { items } = await listUntil(
      admin,
      { tokenId: successor.id },
      (entries) =>
        entries
          .filter((e) => e.type === 'token.used')
          .reduce((sum, e) => sum + (e.details.count as number), 0) === 3,
      'usage summaries counting 3 verifications',
    );
    expect(items.find((e) => e.type === 'token.created')).toMatchObject({ actorId: 'carla' });
    for (const used of items.filter((e) => e.type === 'token.used')) {
      expect(used).toMatchObject({
        actorId: null,
        tokenId: successor.id,
        details: { tokenId: successor.id, count: expect.any(Number), lastUsedAt: expect.any(String) },
      });
    }
  });

  it('filters by type, actor and time', async () => {
    const { items } = await oldTokenEntries();
    const [revoked, renewed, updated, created] = items;

    const byType = (await list(admin, { type: 'token.renewed' }).expect(200)).body as Page;
    expect(byType.items.map((e) => e.id)).toEqual([renewed.id]);

    const byActor = (await list(admin, { actorId: 'olga' }).expect(200)).body as Page;
    expect(byActor.items.map((e) => e.id)).toContain(revoked.id);
    expect(byActor.items.every((e) => e.actorId === 'olga')).toBe(true);
    const byActorAndToken = (await list(admin, { actorId: 'carla', tokenId: old.id }).expect(200))
      .body as Page;
    expect(byActorAndToken.items.map((e) => e.id)).toEqual([renewed.id, updated.id, created.id]);

    // `from` is inclusive, `to` exclusive.
    const since = (await list(admin, { tokenId: old.id, from: renewed.occurredAt }).expect(200)).body as Page;
    expect(since.items.map((e) => e.id)).toEqual([revoked.id, renewed.id]);
    const before = (await list(admin, { tokenId: old.id, to: renewed.occurredAt }).expect(200)).body as Page;
    expect(before.items.map((e) => e.id)).toEqual([updated.id, created.id]);
    const between = (
      await list(admin, { from: updated.occurredAt, to: revoked.occurredAt, type: 'token.updated' }).expect(
        200,
      )
    ).body as Page;
    expect(between.items.map((e) => e.id)).toEqual([updated.id]);
  });

  it('pages through the log', async () => {
    const { items: all } = await oldTokenEntries();
    const first = (await list(admin, { tokenId: old.id, pageSize: 3 }).expect(200)).body as Page;
    const second = (await list(admin, { tokenId: old.id, pageSize: 3, page: 2 }).expect(200)).body as Page;
    const third = (await list(admin, { tokenId: old.id, pageSize: 3, page: 3 }).expect(200)).body as Page;
    expect(first).toMatchObject({ page: 1, pageSize: 3, total: 4 });
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(third.items).toEqual([]);
    expect([...first.items, ...second.items]).toEqual(all);
  });

  it('shows another tenant nothing of this one, and this one nothing of another', async () => {
    await oldTokenEntries();
    const stranger = await system.adminAuth({ tenantId: 'audit-elsewhere', userId: 'eve', role: 'owner' });
    const theirs = (
      await issuer().post('/v1/tokens').set('Authorization', stranger).send({ name: 'theirs' }).expect(201)
    ).body as { id: string };
    const seen = await listUntil(stranger, {}, (items) => items.length > 0, 'the other tenant’s entry');
    expect(seen.items.map((e) => [e.type, e.tokenId])).toEqual([['token.created', theirs.id]]);

    expect((await list(stranger, { tokenId: old.id }).expect(200)).body).toMatchObject({
      items: [],
      total: 0,
    });
    expect((await list(stranger, { actorId: 'carla' }).expect(200)).body).toMatchObject({ total: 0 });
    expect((await list(admin, { tokenId: theirs.id }).expect(200)).body).toMatchObject({
      items: [],
      total: 0,
    });
  });

  it('records member events once, however often they are delivered', async () => {
    const roleChanged = createEvent(EventType.MemberRoleChanged, {
      source: 'latchkey/issuer',
      subject: 'mia',
      tenantId: TENANT,
      data: { userId: 'mia', oldRole: 'member', newRole: 'admin', changedBy: 'olga' },
    });
    const removed = createEvent(EventType.MemberRemoved, {
      source: 'latchkey/issuer',
      subject: 'max',
      tenantId: TENANT,
      data: { userId: 'max', removedBy: 'olga' },
    });
    await producer.send({
      topic: topicName(Topic.Members, process.env.KAFKA_TOPIC_PREFIX ?? ''),
      messages: [toMessage(roleChanged), toMessage(roleChanged), toMessage(roleChanged), toMessage(removed)],
    });
    // Keyed by user id, the two may land on different partitions: wait for both, not for the last.
    const { items } = await listUntil(
      owner,
      { actorId: 'olga' },
      (entries) => entries.some((e) => e.id === removed.id) && entries.some((e) => e.id === roleChanged.id),
      'both member entries',
    );
    expect(items.filter((e) => e.id === roleChanged.id)).toEqual([
      expect.objectContaining({
        type: 'member.role_changed',
        actorId: 'olga',
        tokenId: null,
        subjectId: 'mia',
        details: { userId: 'mia', oldRole: 'member', newRole: 'admin', changedBy: 'olga' },
      }),
    ]);
    expect(items.find((e) => e.id === removed.id)).toMatchObject({
      type: 'member.removed',
      tokenId: null,
      subjectId: 'max',
    });
  });

  it('is for owners and admins only', async () => {
    const member = await system.adminAuth({ tenantId: TENANT, userId: 'mo', role: 'member' });
    expect((await list(member).expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    expect((await issuer().get('/v1/audit-events').expect(401)).body.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['an unknown parameter', { tenantId: 'audit-elsewhere' }],
    ['an unknown type', { type: 'token.deleted' }],
    ['a time that is not ISO 8601', { from: 'yesterday' }],
    ['a malformed token id', { tokenId: 'not-a-uuid' }],
    ['a page size over 200', { pageSize: 201 }],
    ['page 0', { page: 0 }],
  ])('refuses %s (400)', async (_, query) => {
    expect((await list(admin, query).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('cannot be changed or erased, even with direct database access', async () => {
    const { items } = await oldTokenEntries();
    const url = process.env.DATABASE_URL ?? '';
    await expect(
      withClient(url, (client) =>
        client.query(`UPDATE audit_events SET actor_id = 'mallory' WHERE id = $1`, [items[0].id]),
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      withClient(url, (client) => client.query(`DELETE FROM audit_events WHERE id = $1`, [items[0].id])),
    ).rejects.toThrow(/append-only/);
    expect(((await list(admin, { tokenId: old.id }).expect(200)).body as Page).items).toEqual(items);
  });
});
