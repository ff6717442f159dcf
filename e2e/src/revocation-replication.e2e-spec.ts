import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { freePort, waitFor } from '@latchkey/testing';
import { tokenKeyOf } from './support/cache-keys';
import { startSystem, type RunningSystem } from './support/system';

/**
 * A revocation survives a Redis failover: with a replica connected, the issuer answers only once the
 * replica holds the revocation entry (WAIT), and 503 REVOCATION_NOT_REPLICATED, changing nothing, when
 * no replica confirms in time. Runs on a Redis primary and replica of its own (redis-server), so no
 * other test shares them.
 */
describe('revocation and Redis replicas', () => {
  let primary: ChildProcess;
  let replica: ChildProcess;
  let replicaClient: Redis;
  let system: RunningSystem;
  let admin: string;
  // The full sync writes an RDB file: into a directory of this test's own.
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-replicas-'));

  const startRedis = (port: number, ...args: string[]) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args],
      { stdio: 'ignore' },
    );

  beforeAll(async () => {
    const [primaryPort, replicaPort] = await Promise.all([freePort(), freePort()]);
    primary = startRedis(primaryPort);
    replica = startRedis(
      replicaPort,
      '--dbfilename',
      'replica.rdb',
      '--replicaof',
      '127.0.0.1',
      String(primaryPort),
    );
    replicaClient = new Redis(replicaPort, '127.0.0.1');
    await waitFor(async () => /master_link_status:up/.test(await replicaClient.info('replication')), {
      what: 'the replica in sync',
    });
    system = await startSystem({
      env: { REDIS_URL: `redis://127.0.0.1:${primaryPort}`, REDIS_REPLICA_ACK_TIMEOUT_MS: '300' },
    });
    admin = await system.adminAuth({ tenantId: 'replicas', userId: 'ada', role: 'admin' });
  });

  afterAll(async () => {
    if (replica?.pid) process.kill(replica.pid, 'SIGCONT');
    replicaClient?.disconnect();
    await system?.close();
    replica?.kill();
    primary?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const issuer = () => request(system.issuer.url);
  const create = async () =>
    (await issuer().post('/v1/tokens').set('Authorization', admin).send({ name: 'replicated' }).expect(201))
      .body as { id: string; token: string };

  it('returns once a replica holds the revocation entry', async () => {
    const token = await create();
    await issuer().post(`/v1/tokens/${token.id}/revoke`).set('Authorization', admin).expect(200);

    // Read on the replica right after the answer: WAIT made sure it is there.
    const entry = await replicaClient.get(await tokenKeyOf(token.token));
    expect(entry).toContain('"revoked":true');
  });

  it('answers 503 REVOCATION_NOT_REPLICATED and changes nothing when no replica confirms', async () => {
    const token = await create();
    process.kill(replica.pid ?? 0, 'SIGSTOP');
    try {
      const refused = await issuer()
        .post(`/v1/tokens/${token.id}/revoke`)
        .set('Authorization', admin)
        .expect(503);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.code).toBe('REVOCATION_NOT_REPLICATED');
      const shown = await issuer().get(`/v1/tokens/${token.id}`).set('Authorization', admin).expect(200);
      expect(shown.body.status).toBe('active');
      // The entry reached the primary: the token is refused (fails safe) until the admin retries.
      expect((await system.verifyHttp(token.token).expect(200)).body.valid).toBe(false);
    } finally {
      process.kill(replica.pid ?? 0, 'SIGCONT');
    }
    await issuer().post(`/v1/tokens/${token.id}/revoke`).set('Authorization', admin).expect(200);
  });

  it('answers 503 MEMBER_CHANGE_NOT_REPLICATED to a member change no replica confirms', async () => {
    const owner = await system.adminAuth({ tenantId: 'replicas', userId: 'olga', role: 'owner' });
    // Mo signs in once, so Latchkey knows the member.
    const mo = await system.adminAuth({ tenantId: 'replicas', userId: 'mo', role: 'member' });
    await issuer().get('/v1/tokens').set('Authorization', mo).expect(200);
    process.kill(replica.pid ?? 0, 'SIGSTOP');
    try {
      const refused = await issuer()
        .patch('/v1/members/mo')
        .set('Authorization', owner)
        .send({ role: 'admin' })
        .expect(503);
      expect(refused.body.code).toBe('MEMBER_CHANGE_NOT_REPLICATED');
    } finally {
      process.kill(replica.pid ?? 0, 'SIGCONT');
    }
    const members = await issuer().get('/v1/members').set('Authorization', owner).expect(200);
    expect(
      (members.body.items as { userId: string; role: string }[]).find((m) => m.userId === 'mo')?.role,
    ).toBe('member');
  });
});
