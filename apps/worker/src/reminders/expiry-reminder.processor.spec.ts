import type { ExpiryNoticeAnswer, InternalTokenState } from '@latchkey/contracts';
import type { WorkerConfig } from '../config';
import type { IssuerClient, IssuerResult } from '../issuer/issuer-client';
import type { JobQueues } from '../queues/job-queues';
import type { ExpiryReminderJob, JobRequest } from '../queues/worker-queues';
import { ExpiryReminderProcessor } from './expiry-reminder.processor';

const DAY = 1_000;
const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';

function setUp(
  overrides: Partial<InternalTokenState> = {},
  notice: IssuerResult<ExpiryNoticeAnswer> = { kind: 'ok', value: { outcome: 'recorded' } },
) {
  const expiresAt = new Date(Date.now() + 40 * DAY).toISOString();
  const state: InternalTokenState = {
    id: tokenId,
    tenantId: 'acme',
    name: 'ci',
    status: 'active',
    expiresAt,
    createdBy: 'u1',
    createdByEmail: 'dev@example.com',
    autoRenewal: null,
    replacedByTokenId: null,
    technicalOwner: null,
    ...overrides,
  };
  const enqueued: JobRequest[] = [];
  const notices: { tokenId: string; expiresAt: string; days: number }[] = [];
  const pages: Record<string, { tokenIds: string[]; next: string | null }> = {
    first: { tokenIds: ['t1', 't2'], next: 't2' },
    t2: { tokenIds: ['t3'], next: null },
  };
  const issuer = {
    expiringTokens: (_tenantId: string, after: string | null) =>
      Promise.resolve({ kind: 'ok', value: pages[after ?? 'first'] }),
    currentTokenState: () => Promise.resolve(state),
    recordExpiryNotice: (id: string, at: string, days: number) => {
      notices.push({ tokenId: id, expiresAt: at, days });
      return Promise.resolve(notice);
    },
  } as unknown as IssuerClient;
  const queues = {
    enqueue: (request: JobRequest) => {
      enqueued.push(request);
      return Promise.resolve();
    },
  } as unknown as JobQueues;
  const processor = new ExpiryReminderProcessor(issuer, queues, {
    EXPIRY_REMINDER_DAYS: [30, 7, 0],
    REMINDER_DAY_MS: DAY,
  } as WorkerConfig);
  const run = (data: ExpiryReminderJob) => processor.process({ data });
  return { run, enqueued, notices, expiresAt: state.expiresAt ?? '' };
}

describe('ExpiryReminderProcessor', () => {
  it("plans the tenant's own reminder days when it chose some", async () => {
    const { run, enqueued } = setUp({ expiryReminderDays: [60, 30, 7] });
    expect(await run({ kind: 'plan', tokenId })).toBe('planned');
    // 60 days ahead has passed for a token expiring in 40 "days".
    expect(enqueued.map((job) => (job.data as { days: number }).days)).toEqual([30, 7]);
  });

  it('plans the default days for a tenant without its own', async () => {
    const { run, enqueued } = setUp({ expiryReminderDays: null });
    await run({ kind: 'plan', tokenId });
    expect(enqueued.map((job) => (job.data as { days: number }).days)).toEqual([30, 7, 0]);
  });

  it('announces the notice through the issuer, then queues the mail', async () => {
    const { run, enqueued, notices, expiresAt } = setUp({ expiryReminderDays: [7] });
    expect(await run({ kind: 'send', tokenId, days: 7, expiresAt })).toBe('mail-queued');
    expect(notices).toEqual([{ tokenId, expiresAt, days: 7 }]);
    expect(enqueued.map((job) => job.jobId)).toEqual([
      `mail.expiry-reminder.${tokenId}.7.${Date.parse(expiresAt)}`,
    ]);
  });

  it('queues the mail again when the notice was announced before (a retry: the job id keeps it single)', async () => {
    const { run, enqueued, expiresAt } = setUp({}, { kind: 'ok', value: { outcome: 'already-recorded' } });
    expect(await run({ kind: 'send', tokenId, days: 30, expiresAt })).toBe('mail-queued');
    expect(enqueued).toHaveLength(1);
  });

  it('sends nothing for a day the tenant no longer has, or a notice the issuer finds not applicable', async () => {
    const removed = setUp({ expiryReminderDays: [60] });
    expect(await removed.run({ kind: 'send', tokenId, days: 30, expiresAt: removed.expiresAt })).toBe(
      'not-applicable',
    );
    expect([removed.notices, removed.enqueued]).toEqual([[], []]);
    const refused = setUp({}, { kind: 'ok', value: { outcome: 'not-applicable' } });
    expect(await refused.run({ kind: 'send', tokenId, days: 7, expiresAt: refused.expiresAt })).toBe(
      'not-applicable',
    );
    expect(refused.enqueued).toEqual([]);
  });

  it("plans the tenant's tokens again page by page after its reminder days changed", async () => {
    const { run, enqueued } = setUp();
    const first = { kind: 'replan-tenant' as const, tenantId: 'acme', eventId: 'e1', after: null, page: 1 };
    expect(await run(first)).toBe('planned');
    expect(enqueued.map((job) => [job.jobId, job.data])).toEqual([
      ['reminder-plan.t1.e1', { kind: 'plan', tokenId: 't1' }],
      ['reminder-plan.t2.e1', { kind: 'plan', tokenId: 't2' }],
      ['reminder-replan.e1.2', { ...first, after: 't2', page: 2 }],
    ]);
    enqueued.length = 0;
    await run({ ...first, after: 't2', page: 2 });
    expect(enqueued.map((job) => job.jobId)).toEqual(['reminder-plan.t3.e1']);
  });

  it('fails the job, to be retried, when the issuer cannot be reached', async () => {
    const { run, enqueued, expiresAt } = setUp({}, { kind: 'transient', error: 'ECONNREFUSED' });
    await expect(run({ kind: 'send', tokenId, days: 7, expiresAt })).rejects.toThrow(/ECONNREFUSED/);
    expect(enqueued).toEqual([]);
  });
});
