import { CacheEntrySigner, sealInvalidationAck } from '@latchkey/contracts';
import type Redis from 'ioredis';
import { InvalidationAcks } from './invalidation-acks';

const SIGNING_KEY = 'a'.repeat(32);

describe('InvalidationAcks', () => {
  const acks = () =>
    new InvalidationAcks({} as Redis, { REDIS_KEY_PREFIX: 'lk:', CACHE_SIGNING_KEY: SIGNING_KEY });
  /** A message as it arrives on the ack channel. */
  const deliver = (target: InvalidationAcks, message: string) =>
    (target as unknown as { received(message: string): void }).received(message);
  const ackOf = (id: string, holder: string, key = SIGNING_KEY) =>
    sealInvalidationAck(new CacheEntrySigner(key), 'lk:', { id, holder }, Date.now());

  it('settles as soon as every leaseholder has acknowledged, acks before the list included', async () => {
    const target = acks();
    const expectation = target.expect('inv-1');
    deliver(target, ackOf('inv-1', 'v-1')); // before the publish returned
    const settled = expectation.settle([
      { holder: 'v-1', remainingMs: 60_000 },
      { holder: 'v-2', remainingMs: 60_000 },
    ]);
    const started = performance.now();
    setTimeout(() => deliver(target, ackOf('inv-1', 'v-2')), 20);
    await settled;
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('waits for a silent leaseholder until its lease lapses, and no longer', async () => {
    const target = acks();
    const expectation = target.expect('inv-2');
    const started = performance.now();
    await expectation.settle([{ holder: 'v-dead', remainingMs: 150 }]);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(149);
    expect(waited).toBeLessThan(1_000);
  });

  it('does not count a forged ack, nor one for another invalidation', async () => {
    const target = acks();
    const expectation = target.expect('inv-3');
    deliver(target, ackOf('inv-3', 'v-1', 'f'.repeat(32)));
    deliver(target, ackOf('inv-other', 'v-1'));
    deliver(target, 'v1.0.garbage');
    const started = performance.now();
    await expectation.settle([{ holder: 'v-1', remainingMs: 200 }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
  });

  it('settles at once when no verifier holds a lease', async () => {
    await expect(acks().expect('inv-4').settle([])).resolves.toBeUndefined();
  });
});
