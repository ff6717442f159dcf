import { createEvent, EventType, type LatchkeyEvent } from '@latchkey/contracts';
import { planLifecycleJobs } from './lifecycle-jobs';

const now = Date.parse('2025-05-01T12:00:00Z');
const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const newTokenId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';
const schedule = {
  everyDays: 30,
  callbackUrl: 'https://receiver.example.com/renewals',
  mailRecipient: 'ops@example.com',
  nextRenewalAt: '2025-05-31T12:00:00.000Z',
};

function event<T extends EventType>(
  type: T,
  data: Parameters<typeof createEvent<T>>[1]['data'],
): LatchkeyEvent {
  return createEvent(type, {
    source: 'latchkey/issuer',
    subject: tokenId,
    tenantId: 'acme',
    data,
  }) as LatchkeyEvent;
}

const created = (fields: {
  autoRenewal?: typeof schedule | null;
  expiresAt?: string | null;
  email?: string | null;
}) =>
  event(EventType.TokenCreated, {
    tokenId,
    name: 'ci',
    keyPrefix: 'lk_abcde',
    createdBy: 'u1',
    createdAt: '2025-05-01T12:00:00.000Z',
    expiresAt: fields.expiresAt ?? null,
    createdByEmail: fields.email === undefined ? 'dev@example.com' : fields.email,
    autoRenewal: fields.autoRenewal,
  });

describe('planLifecycleJobs', () => {
  it('schedules the first renewal of an auto-renewing token at its nextRenewalAt', () => {
    const plan = planLifecycleJobs(
      created({ autoRenewal: schedule, expiresAt: '2025-08-01T00:00:00Z' }),
      now,
    );
    expect(plan.cancel).toEqual([]);
    expect(plan.enqueue).toEqual([
      {
        queue: 'renewal-due',
        jobId: `due.${tokenId}.${Date.parse(schedule.nextRenewalAt)}`,
        data: { tokenId, dueAt: schedule.nextRenewalAt },
        runAt: Date.parse(schedule.nextRenewalAt),
        tokenId,
      },
    ]);
  });

  it("plans expiry reminders for a token without auto-renewal from its state and its tenant's days", () => {
    const event = created({ expiresAt: '2025-06-15T08:00:00.000Z' });
    const plan = planLifecycleJobs(event, now);
    expect(plan.enqueue).toEqual([
      {
        queue: 'expiry-reminder',
        jobId: `reminder-plan.${tokenId}.${event.id}`,
        data: { kind: 'plan', tokenId },
        runAt: now,
        tokenId,
      },
    ]);
  });

  it('warns the owner and the technical owner once each of an idle revocation to come', () => {
    const data = {
      tokenId,
      idleSince: '2025-01-01T00:00:00.000Z',
      revokeAt: '2025-05-08T12:00:00.000Z',
      idleRevokeAfterDays: 90,
      ownerId: 'u1',
      technicalOwner: { email: 'platform@example.com', name: null },
    };
    const warning = event(EventType.TokenIdleWarning, data);
    const plan = planLifecycleJobs(warning, now);
    const warnedAt = Date.parse(warning.time);
    expect(plan.enqueue.map((job) => [job.jobId, job.data])).toEqual([
      [
        `mail.idle-warning.${tokenId}.${warnedAt}.owner`,
        {
          kind: 'idle-warning',
          tokenId,
          recipient: 'owner',
          idleSince: '2025-01-01T00:00:00.000Z',
          revokeAt: '2025-05-08T12:00:00.000Z',
        },
      ],
      [
        `mail.idle-warning.${tokenId}.${warnedAt}.technical-owner`,
        expect.objectContaining({ recipient: 'technical-owner' }),
      ],
    ]);
    expect(planLifecycleJobs(warning, now + 1_000)).toEqual({
      ...plan,
      enqueue: plan.enqueue.map((job) => ({ ...job, runAt: now + 1_000 })),
    });
    const ownerOnly = event(EventType.TokenIdleWarning, { ...data, technicalOwner: null });
    expect(planLifecycleJobs(ownerOnly, now).enqueue.map((job) => job.data)).toEqual([
      expect.objectContaining({ recipient: 'owner' }),
    ]);
  });

  it('plans every reminded token of a tenant again when it changes its reminder days, and only then', () => {
    const changed = createEvent(EventType.TenantPolicyChanged, {
      source: 'latchkey/issuer',
      subject: 'acme corp',
      tenantId: 'acme corp',
      data: {
        changedBy: 'olga',
        changes: { expiryReminderDays: [60, 30] },
        previous: { expiryReminderDays: null },
      },
    }) as LatchkeyEvent;
    expect(planLifecycleJobs(changed, now)).toEqual({
      cancel: [],
      enqueue: [
        {
          queue: 'expiry-reminder',
          jobId: `reminder-replan.${changed.id}.1`,
          data: { kind: 'replan-tenant', tenantId: 'acme corp', eventId: changed.id, after: null, page: 1 },
          runAt: now,
          tokenId: null,
        },
      ],
    });
    const other = createEvent(EventType.TenantPolicyChanged, {
      source: 'latchkey/issuer',
      subject: 'acme',
      tenantId: 'acme',
      data: {
        changedBy: 'olga',
        changes: { idleRevokeAfterDays: 90 },
        previous: { idleRevokeAfterDays: null },
      },
    }) as LatchkeyEvent;
    expect(planLifecycleJobs(other, now)).toEqual({ cancel: [], enqueue: [] });
  });

  it('queues nothing for TokenExpiring: its mail is queued beside it', () => {
    const expiring = event(EventType.TokenExpiring, {
      tokenId,
      expiresAt: '2025-06-15T08:00:00.000Z',
      daysBefore: 30,
      ownerId: 'u1',
    });
    expect(planLifecycleJobs(expiring, now)).toEqual({ cancel: [], enqueue: [] });
  });

  it('schedules nothing for a token that never expires, or whose creator has no email', () => {
    expect(planLifecycleJobs(created({}), now).enqueue).toEqual([]);
    expect(
      planLifecycleJobs(created({ expiresAt: '2025-06-15T08:00:00Z', email: null }), now).enqueue,
    ).toEqual([]);
  });

  it('plans the same jobs for the same event, so a redelivery adds nothing', () => {
    const once = created({ autoRenewal: schedule });
    expect(planLifecycleJobs(once, now)).toEqual(planLifecycleJobs(once, now + 60_000));
  });

  it('reschedules the renewal when auto-renewal settings change, dropping the stale due job', () => {
    const plan = planLifecycleJobs(
      event(EventType.TokenUpdated, { tokenId, updatedBy: 'u1', changes: { autoRenewal: schedule } }),
      now,
    );
    const dueId = `due.${tokenId}.${Date.parse(schedule.nextRenewalAt)}`;
    expect(plan.cancel).toEqual([{ tokenId, queues: ['renewal-due'], keep: [dueId] }]);
    expect(plan.enqueue.map((job) => job.jobId)).toEqual([dueId]);
  });

  it('cancels pending renewal work and plans reminders when auto-renewal is switched off', () => {
    const off = event(EventType.TokenUpdated, { tokenId, updatedBy: 'u1', changes: { autoRenewal: null } });
    const plan = planLifecycleJobs(off, now);
    expect(plan.cancel).toEqual([{ tokenId, queues: ['renewal-due', 'renewal-callback'] }]);
    expect(plan.enqueue).toEqual([
      {
        queue: 'expiry-reminder',
        jobId: `reminder-plan.${tokenId}.${off.id}`,
        data: { kind: 'plan', tokenId },
        runAt: now,
        tokenId,
      },
    ]);
  });

  it('ignores an update that does not touch auto-renewal', () => {
    const plan = planLifecycleJobs(
      event(EventType.TokenUpdated, { tokenId, updatedBy: 'u1', changes: { description: 'x' } }),
      now,
    );
    expect(plan).toEqual({ cancel: [], enqueue: [] });
  });

  it('queues the renewed mail once per renewal, for auto-renewals only', () => {
    const renewed = (reason?: 'manual' | 'auto-renewal') =>
      planLifecycleJobs(
        event(EventType.TokenRenewed, {
          oldTokenId: tokenId,
          newTokenId,
          oldTokenEndsAt: '2025-05-02T12:00:00.000Z',
          renewedBy: 'u1',
          reason,
        }),
        now,
      );
    expect(renewed('auto-renewal').enqueue).toEqual([
      {
        queue: 'mail',
        jobId: `mail.renewed.${tokenId}.${newTokenId}`,
        data: {
          kind: 'renewed',
          oldTokenId: tokenId,
          newTokenId,
          oldTokenEndsAt: '2025-05-02T12:00:00.000Z',
          renewedBy: 'u1',
        },
        runAt: now,
        tokenId: null,
      },
    ]);
    expect(renewed('manual').enqueue).toEqual([]);
    expect(renewed(undefined).enqueue).toEqual([]);
    expect(renewed('manual').cancel).toEqual([
      { tokenId, queues: ['renewal-due', 'renewal-callback', 'expiry-reminder'], forget: true },
    ]);
  });

  it('mails the owner once per reveal of a recoverable token (seed 003)', () => {
    const data = { tokenId, revealedBy: 'olga', revealedAt: '2025-05-01T12:00:00.000Z' };
    const revealed = event(EventType.TokenRevealed, data);
    const plan = planLifecycleJobs(revealed, now);
    expect(plan).toEqual({
      cancel: [],
      enqueue: [
        {
          queue: 'mail',
          jobId: expect.stringContaining(revealed.id),
          data: {
            kind: 'token-revealed',
            tokenId,
            revealedBy: 'olga',
            revealedAt: '2025-05-01T12:00:00.000Z',
          },
          runAt: now,
          tokenId: null,
        },
      ],
    });
    // Another reveal is another mail; a redelivery of the same one is not.
    const again = event(EventType.TokenRevealed, data);
    expect(planLifecycleJobs(again, now).enqueue[0]?.jobId).not.toBe(plan.enqueue[0]?.jobId);
    expect(planLifecycleJobs(revealed, now)).toEqual(plan);
  });

  it('removes every pending job of a revoked token', () => {
    const plan = planLifecycleJobs(
      event(EventType.TokenRevoked, { tokenId, revokedBy: 'u1', revokedAt: '2025-05-01T12:00:00.000Z' }),
      now,
    );
    expect(plan).toEqual({
      cancel: [{ tokenId, queues: ['renewal-due', 'renewal-callback', 'expiry-reminder'], forget: true }],
      enqueue: [],
    });
  });

  it('tells the owner when someone else revoked the token, once, and not when the owner did', () => {
    const revokedAt = '2025-05-01T12:00:00.000Z';
    const byAdmin = planLifecycleJobs(
      event(EventType.TokenRevoked, { tokenId, revokedBy: 'bob', revokedAt, ownerId: 'olga' }),
      now,
    );
    expect(byAdmin.enqueue).toEqual([
      {
        queue: 'mail',
        jobId: expect.stringContaining(tokenId),
        data: { kind: 'revoked-by-other', tokenId, revokedBy: 'bob', revokedAt },
        runAt: now,
        tokenId: null,
      },
    ]);
    const byOwner = planLifecycleJobs(
      event(EventType.TokenRevoked, { tokenId, revokedBy: 'olga', revokedAt, ownerId: 'olga' }),
      now,
    );
    expect(byOwner.enqueue).toEqual([]);
  });
});
