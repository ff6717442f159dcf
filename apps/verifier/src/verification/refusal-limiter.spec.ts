import { grpcPeerAddress, RefusalLimiter } from './refusal-limiter';

describe('grpcPeerAddress', () => {
  it.each([
    ['ipv4:10.0.0.7:51234', '10.0.0.7'],
    ['ipv6:[::1]:51234', '::1'],
    ['ipv6:[2001:db8::5]:443', '2001:db8::5'],
    ['127.0.0.1:9000', '127.0.0.1'],
    ['unix:/tmp/grpc.sock', '/tmp/grpc.sock'],
    [undefined, 'unknown'],
  ])('%s → %s (the caller without its port)', (peer, expected) => {
    expect(grpcPeerAddress(peer)).toBe(expected);
  });
});

describe('RefusalLimiter', () => {
  const clock = () => new Date('2026-12-03T09:00:00Z');

  /** A counter whose answers wait until released, recording each call's refusals. */
  function heldCounter(limit: number) {
    const calls: number[] = [];
    const waiting: (() => void)[] = [];
    let total = 0;
    const count = (_caller: string, refusals: number) => {
      calls.push(refusals);
      total += refusals;
      const decision = { allowed: total <= limit, count: total, retryAfterSeconds: 30 };
      return new Promise<typeof decision>((resolve) => waiting.push(() => resolve(decision)));
    };
    const release = async () => {
      while (waiting.length > 0) {
        waiting.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { count, calls, release };
  }

  it('counts the refusals given while a count is in flight together, in one more round trip', async () => {
    const counter = heldCounter(10);
    const limiter = new RefusalLimiter(counter.count, clock);

    const answers = Array.from({ length: 20 }, () => limiter.refused('10.0.0.7'));
    await counter.release();

    expect(counter.calls).toEqual([1, 19]);
    await expect(Promise.all(answers)).resolves.toEqual([false, ...Array<boolean>(19).fill(true)]);
    expect(limiter.blockedFor('10.0.0.7')).toBe(30);
    expect(limiter.blockedFor('10.0.0.8')).toBe(0);
  });

  it('counts each caller on its own', async () => {
    const counter = heldCounter(100);
    const limiter = new RefusalLimiter(counter.count, clock);

    const answers = [limiter.refused('a'), limiter.refused('b'), limiter.refused('a')];
    await counter.release();

    expect(counter.calls).toEqual([1, 1, 1]);
    await expect(Promise.all(answers)).resolves.toEqual([false, false, false]);
  });

  it('lets refusals through, and never leaves them waiting, when the count fails', async () => {
    const limiter = new RefusalLimiter(() => Promise.reject(new Error('Redis is down')), clock);

    await expect(Promise.all([limiter.refused('a'), limiter.refused('a')])).resolves.toEqual([false, false]);
    await expect(limiter.refused('a')).resolves.toBe(false);
    expect(limiter.blockedFor('a')).toBe(0);
  });
});
