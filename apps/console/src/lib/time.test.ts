import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from './time';

const NOW = new Date('2026-12-03T12:00:00Z');

describe('relativeTime', () => {
  it('says Never without a time, and counts in the largest whole unit', () => {
    expect(relativeTime(null, NOW)).toBe('Never');
    expect(relativeTime('2026-11-28T12:00:00Z', NOW)).toBe('5 days ago');
    expect(relativeTime('2026-12-03T09:00:00Z', NOW)).toBe('3 hours ago');
    expect(relativeTime('2026-12-03T11:59:30Z', NOW)).toBe('just now');
    expect(relativeTime('2026-12-02T12:00:00Z', NOW)).toBe('yesterday');
    expect(relativeTime('2027-03-03T12:00:00Z', NOW)).toBe('in 3 months');
  });

  it('gives the exact time', () => {
    expect(exactTime('2026-11-28T08:15:00.000Z')).toBe('2026-11-28 08:15:00 UTC');
  });
});
