import { EventType } from '@latchkey/contracts';
import type { Tx } from '../database/transaction';
import { FakeTransactions } from '../outbox/testing/fake-transactions';
import type { UnitOfWork, UnitOfWorkTx } from '../outbox/unit-of-work';
import { aToken } from '../tokens/testing/a-token';
import type { Token } from '../tokens/token.entity';
import type { Revocation, TokenRevocation } from '../tokens/token-revocation';
import { IDLE_POLICY_ACTOR, IdleTokenSweep, idleRevokeAt } from './idle-token-sweep';
import type { IdleTokensRepository, IdleWarning } from './idle-tokens.repository';

const DAY = 1_000;
const now = new Date('2026-03-10T12:00:00.000Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

const warning = (overrides: Partial<IdleWarning> = {}): IdleWarning => ({
  tokenId: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
  tenantId: 'acme',
  ownerId: 'alice',
  technicalOwnerEmail: null,
  technicalOwnerName: null,
  idleSince: ago(85),
  idleRevokeAfterDays: 90,
  idleWarningDays: 7,
  ...overrides,
});

describe('idleRevokeAt', () => {
  it('is the end of the idle period when the warning comes on time', () => {
    expect(idleRevokeAt(warning({ idleSince: ago(83) }), now, DAY)).toEqual(
      new Date(now.getTime() + 7 * DAY),
    );
  });

  it('never gives less than the warning lead to a token found idle late', () => {
    expect(idleRevokeAt(warning({ idleSince: ago(400) }), now, DAY)).toEqual(
      new Date(now.getTime() + 7 * DAY),
    );
    expect(idleRevokeAt(warning({ idleSince: ago(85) }), now, DAY)).toEqual(
      new Date(now.getTime() + 7 * DAY),
    );
  });

  it('keeps the idle period when it ends later than the lead', () => {
    expect(idleRevokeAt(warning({ idleSince: ago(80), idleWarningDays: 3 }), now, DAY)).toEqual(
      new Date(now.getTime() + 10 * DAY),
    );
  });
});

describe('IdleTokenSweep', () => {
  function setUp(due: { warnings: IdleWarning[][]; revocations: Token[][] }, batch = 2) {
    const db = new FakeTransactions();
    const revoked: { token: Token; revocation: Revocation; at: Date }[] = [];
    const repository = {
      markWarned: (tx: Tx) => {
        db.through(tx);
        return Promise.resolve(due.warnings.shift() ?? []);
      },
      lockDueForRevocation: (tx: Tx) => {
        db.through(tx);
        return Promise.resolve(due.revocations.shift() ?? []);
      },
    } as unknown as IdleTokensRepository;
    const revocation = {
      revokeLocked: (tx: UnitOfWorkTx, token: Token, how: Revocation, at: Date) => {
        db.through(tx);
        revoked.push({ token, revocation: how, at });
        return Promise.resolve();
      },
    } as unknown as TokenRevocation;
    const sweep = new IdleTokenSweep(db as unknown as UnitOfWork, repository, revocation, {
      IDLE_POLICY_DAY_MS: DAY,
      IDLE_SWEEP_BATCH_SIZE: batch,
    });
    return { db, sweep, revoked };
  }

  it('announces each warning with when the token was last used and when it will be revoked', async () => {
    const owned = warning({ technicalOwnerEmail: 'platform@acme.test', technicalOwnerName: 'Platform' });
    const { db, sweep } = setUp({ warnings: [[owned]], revocations: [] });
    expect(await sweep.run(now)).toEqual({ warned: [owned.tokenId], revoked: [] });
    expect(db.emitted.map((e) => [e.type, e.fields])).toEqual([
      [
        EventType.TokenIdleWarning,
        {
          subject: owned.tokenId,
          tenantId: 'acme',
          time: now,
          data: {
            tokenId: owned.tokenId,
            idleSince: ago(85).toISOString(),
            revokeAt: new Date(now.getTime() + 7 * DAY).toISOString(),
            idleRevokeAfterDays: 90,
            ownerId: 'alice',
            technicalOwner: { email: 'platform@acme.test', name: 'Platform' },
          },
        },
      ],
    ]);
  });

  it('revokes what is due through the one revoke path, with reason idle, batch after batch', async () => {
    const tokens = ['1', '2', '3'].map((n) => aToken({ id: `${n.repeat(8)}-2d3a-4b5c-8d9e-0a1b2c3d4e5f` }));
    const { sweep, revoked } = setUp({ warnings: [], revocations: [tokens.slice(0, 2), tokens.slice(2)] });
    expect(await sweep.run(now)).toEqual({ warned: [], revoked: tokens.map((t) => t.id) });
    expect(revoked.map((r) => r.revocation)).toEqual(
      tokens.map(() => ({ revokedBy: IDLE_POLICY_ACTOR, reason: 'idle' })),
    );
    expect(revoked.map((r) => r.at)).toEqual(tokens.map(() => now));
  });

  it('warns in batches until a batch is not full, before revoking', async () => {
    const ids = ['a', 'b', 'c'].map((c) => `${c.repeat(8)}-2a1d-4c3b-9e8f-7a6b5c4d3e2f`);
    const { sweep } = setUp({
      warnings: [ids.slice(0, 2).map((tokenId) => warning({ tokenId })), [warning({ tokenId: ids[2] })]],
      revocations: [],
    });
    expect((await sweep.run(now)).warned).toEqual(ids);
  });
});
