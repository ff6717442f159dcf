import { fullJitterDelay, nextAttemptWithinWindow } from './retry-policy';

const settings = { baseMs: 30_000, maxMs: 900_000 };
const almostOne = () => 0.999_999;

describe('fullJitterDelay', () => {
  it('doubles the ceiling after each failure, from the base', () => {
    expect([1, 2, 3, 4, 5].map((n) => fullJitterDelay(n, settings, almostOne))).toEqual([
      29_999, 59_999, 119_999, 239_999, 479_999,
    ]);
  });

  it('never exceeds the cap, however many failures', () => {
    expect(fullJitterDelay(6, settings, almostOne)).toBe(899_999);
    expect(fullJitterDelay(1_000, settings, almostOne)).toBe(899_999);
  });

  it('draws uniformly between zero and the ceiling (full jitter)', () => {
    expect(fullJitterDelay(3, settings, () => 0)).toBe(0);
    expect(fullJitterDelay(3, settings, () => 0.5)).toBe(60_000);
    for (let i = 0; i < 200; i += 1) {
      const delay = fullJitterDelay(4, settings);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(240_000);
    }
  });
});

describe('nextAttemptWithinWindow', () => {
  const now = Date.parse('2025-01-01T10:00:00Z');

  it('schedules the next attempt when it starts before the window ends', () => {
    expect(nextAttemptWithinWindow(1, now, now + 3_600_000, settings, () => 0.5)).toBe(15_000);
  });

  it('gives up when the next attempt would fall after the window', () => {
    expect(nextAttemptWithinWindow(5, now, now + 100_000, settings, () => 0.5)).toBeNull();
  });

  it('gives up when the next attempt would start exactly at the window end', () => {
    expect(nextAttemptWithinWindow(1, now, now + 15_000, settings, () => 0.5)).toBeNull();
  });

  it('gives up once the window has passed', () => {
    expect(nextAttemptWithinWindow(1, now, now - 1, settings, () => 0)).toBeNull();
  });
});
