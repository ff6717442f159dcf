import type { InternalTokenState } from '@latchkey/contracts';
import { planReminders, reminderJobs, reminderStillApplies } from './reminder-plan';

const DAY = 86_400_000;
const settings = { days: [30, 7, 0], dayMs: DAY };
const at = (iso: string) => Date.parse(iso);

describe('planReminders', () => {
  const expiresAt = at('2025-06-30T15:00:00Z');

  it('plans each offset at the start of its day, counted back from the expiry day', () => {
    expect(planReminders(expiresAt, at('2025-05-01T00:00:00Z'), settings)).toEqual([
      { days: 30, runAt: at('2025-05-31T00:00:00Z') },
      { days: 7, runAt: at('2025-06-23T00:00:00Z') },
      { days: 0, runAt: at('2025-06-30T00:00:00Z') },
    ]);
  });

  it('skips reminders whose time has passed', () => {
    expect(planReminders(expiresAt, at('2025-06-10T00:00:00Z'), settings)).toEqual([
      { days: 7, runAt: at('2025-06-23T00:00:00Z') },
      { days: 0, runAt: at('2025-06-30T00:00:00Z') },
    ]);
  });

  it('sends the same-day reminder at once when its time passed but the token has not expired', () => {
    const now = at('2025-06-30T09:00:00Z');
    expect(planReminders(expiresAt, now, settings)).toEqual([{ days: 0, runAt: now }]);
  });

  it('plans nothing once the token has expired', () => {
    expect(planReminders(expiresAt, expiresAt, settings)).toEqual([]);
  });

  it('treats a token expiring at midnight as expiring at the end of the day before', () => {
    const midnight = at('2025-07-01T00:00:00Z');
    expect(planReminders(midnight, at('2025-06-29T12:00:00Z'), settings)).toEqual([
      { days: 0, runAt: at('2025-06-30T00:00:00Z') },
    ]);
  });

  it('works with a shortened day, as in tests', () => {
    const now = 1_000_000;
    expect(planReminders(now + 5_500, now, { days: [3, 1, 0], dayMs: 1_000 })).toEqual([
      { days: 3, runAt: now + 2_000 },
      { days: 1, runAt: now + 4_000 },
      { days: 0, runAt: now + 5_000 },
    ]);
  });

  it('builds one deterministic job per reminder', () => {
    const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
    const jobs = reminderJobs(tokenId, '2025-06-30T15:00:00.000Z', at('2025-06-10T00:00:00Z'), settings);
    expect(jobs.map((job) => job.jobId)).toEqual([
      `reminder.${tokenId}.7.${expiresAt}`,
      `reminder.${tokenId}.0.${expiresAt}`,
    ]);
    expect(jobs[0]).toMatchObject({
      queue: 'expiry-reminder',
      tokenId,
      data: { kind: 'send', tokenId, days: 7, expiresAt: '2025-06-30T15:00:00.000Z' },
    });
  });
});

describe('reminderStillApplies', () => {
  const expiresAt = new Date(Date.now() + 10 * DAY).toISOString();
  const state = (overrides: Partial<InternalTokenState> = {}): InternalTokenState => ({
    id: 't',
    tenantId: 'acme',
    name: 'ci',
    status: 'active',
    expiresAt,
    createdBy: 'u1',
    createdByEmail: 'dev@example.com',
    autoRenewal: null,
    replacedByTokenId: null,
    ...overrides,
  });

  it('applies to an active token that still expires then and has a creator email', () => {
    expect(reminderStillApplies(state(), expiresAt)).toBe(true);
  });

  it('does not apply to a revoked token, a changed expiry, auto-renewal or a missing email', () => {
    expect(reminderStillApplies(state({ status: 'revoked' }), expiresAt)).toBe(false);
    expect(
      reminderStillApplies(state({ expiresAt: new Date(Date.now() + DAY).toISOString() }), expiresAt),
    ).toBe(false);
    expect(
      reminderStillApplies(
        state({
          autoRenewal: {
            everyDays: 30,
            callbackUrl: 'https://example.com/cb',
            mailRecipient: null,
            nextRenewalAt: expiresAt,
          },
        }),
        expiresAt,
      ),
    ).toBe(false);
    expect(reminderStillApplies(state({ createdByEmail: null }), expiresAt)).toBe(false);
  });
});
