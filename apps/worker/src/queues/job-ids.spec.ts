import { jobIds } from './job-ids';

const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const offerId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';

describe('jobIds', () => {
  it('builds the documented shapes with epoch milliseconds', () => {
    expect(jobIds.renewalDue(tokenId, '2025-01-01T00:00:00.000Z')).toBe(`due.${tokenId}.1735689600000`);
    expect(jobIds.renewalCallback(offerId)).toBe(`callback.${offerId}`);
    expect(jobIds.expiryReminder(tokenId, 7, '2025-01-01T00:00:00Z')).toBe(
      `reminder.${tokenId}.7.1735689600000`,
    );
    expect(jobIds.mail('callback-failed', offerId)).toBe(`mail.callback-failed.${offerId}`);
    expect(jobIds.reminderPlan(tokenId, offerId)).toBe(`reminder-plan.${tokenId}.${offerId}`);
  });

  it('is the same for the same time written differently', () => {
    expect(jobIds.renewalDue(tokenId, '2025-01-01T02:00:00+02:00')).toBe(
      jobIds.renewalDue(tokenId, '2025-01-01T00:00:00.000Z'),
    );
  });

  it('never contains ":" and is never a plain integer (BullMQ refuses both)', () => {
    const ids = [
      jobIds.renewalDue(tokenId, 0),
      jobIds.renewalCallback(offerId),
      jobIds.expiryReminder(tokenId, 0, 1),
      jobIds.mail('renewed', tokenId, offerId),
    ];
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(`${parseInt(id, 10)}`).not.toBe(id);
    }
  });

  it('refuses parts that could break the id or are not times', () => {
    expect(() => jobIds.renewalCallback('a:b')).toThrow('unsafe job id part');
    expect(() => jobIds.renewalCallback('a.b')).toThrow('unsafe job id part');
    expect(() => jobIds.renewalDue(tokenId, 'soon')).toThrow('not a time');
  });
});
