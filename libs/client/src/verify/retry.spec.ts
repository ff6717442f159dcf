import { VerifyError } from './errors';
import { backoffMs, retryPolicy, withRetries } from './retry';

const noSleep = () => Promise.resolve();

describe('retries', () => {
  const policy = retryPolicy({ maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 40, multiplier: 2 });

  it('retries UNAVAILABLE until an attempt succeeds', async () => {
    let calls = 0;
    const result = await withRetries(
      policy,
      Date.now() + 10_000,
      () => (++calls < 3 ? Promise.reject(new VerifyError('UNAVAILABLE', 'down')) : Promise.resolve('ok')),
      noSleep,
    );
    expect({ result, calls }).toEqual({ result: 'ok', calls: 3 });
  });

  it.each(['DEADLINE_EXCEEDED', 'RATE_LIMITED', 'REJECTED'] as const)('never retries %s', async (kind) => {
    let calls = 0;
    await expect(
      withRetries(
        policy,
        Date.now() + 10_000,
        () => (calls++, Promise.reject(new VerifyError(kind, kind))),
        noSleep,
      ),
    ).rejects.toMatchObject({ kind });
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts, saying how many were made', async () => {
    let calls = 0;
    await expect(
      withRetries(
        policy,
        Date.now() + 10_000,
        () => (calls++, Promise.reject(new VerifyError('UNAVAILABLE', 'down'))),
        noSleep,
      ),
    ).rejects.toMatchObject({ kind: 'UNAVAILABLE', details: { attempts: 4 } });
    expect(calls).toBe(4);
  });

  it('does not pause past the deadline', async () => {
    let calls = 0;
    await expect(
      withRetries(
        policy,
        Date.now() + 5,
        () => (calls++, Promise.reject(new VerifyError('UNAVAILABLE', 'down'))),
        noSleep,
      ),
    ).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    expect(calls).toBe(1);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n, () => 1))).toEqual([10, 20, 40, 40, 40]);
    expect([1, 2, 3].map((n) => backoffMs(policy, n, () => 0))).toEqual([5, 10, 20]);
  });

  it('refuses an unbounded or nonsensical policy', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => retryPolicy({ maxAttempts: 1_000 })).toThrow(RangeError);
    expect(() => retryPolicy({ initialBackoffMs: 100, maxBackoffMs: 10 })).toThrow(RangeError);
  });
});
