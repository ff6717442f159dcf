import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { EventType, parseEvent, VerifyReason } from '@latchkey/contracts';
import { FakeUsageEventSink } from '../testing/fakes';
import { eventIdOf, USAGE_EVENT_SOURCE, type UsageEvent, UsageRecorder } from './usage-recorder';

const settings = { USAGE_FLUSH_INTERVAL_MS: 60_000, VERIFIER_INSTANCE_ID: 'verifier-a' };
const OK = VerifyReason.Ok;
const tenantId = randomUUID();

describe('UsageRecorder', () => {
  let sink: FakeUsageEventSink;
  let recorder: UsageRecorder;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  beforeEach(() => {
    sink = new FakeUsageEventSink();
    recorder = new UsageRecorder(sink, settings);
  });

  afterEach(async () => {
    await recorder.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('aggregates verifications into one TokenUsed event per token', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    recorder.record(first, tenantId, at('10:00:03'), OK);
    recorder.record(first, tenantId, at('10:00:01'), OK);
    recorder.record(first, tenantId, at('10:00:02'), OK);
    recorder.record(second, tenantId, at('10:00:05'), OK);

    await recorder.flush();

    expect(sink.published).toHaveLength(1);
    expect(sink.events.map((e) => [e.subject, e.data.count, e.data.lastUsedAt])).toEqual([
      [first, 3, at('10:00:03').toISOString()],
      [second, 1, at('10:00:05').toISOString()],
    ]);
  });

  it('publishes events that satisfy the TokenUsed contract', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);

    await recorder.flush();

    const [event] = sink.events;
    const parsed = parseEvent(JSON.stringify(event));
    expect(parsed.ok).toBe(true);
    expect(event).toMatchObject({
      type: EventType.TokenUsed,
      source: USAGE_EVENT_SOURCE,
      subject: tokenId,
      tenantId,
      data: { tokenId, count: 1, lastUsedAt: at('10:00:00').toISOString(), verifierInstance: 'verifier-a' },
    });
  });

  it('publishes nothing when nothing was used', async () => {
    await recorder.flush();

    expect(sink.published).toEqual([]);
  });

  it('starts each interval from zero once a summary is published', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);
    recorder.record(tokenId, tenantId, at('10:00:01'), OK);
    await recorder.flush();
    recorder.record(tokenId, tenantId, at('10:01:00'), OK);
    await recorder.flush();

    expect(sink.published.map((batch) => batch.map((e) => e.data.count))).toEqual([[2], [1]]);
  });

  it('sends a failed batch again as the same events, before what was counted meanwhile', async () => {
    const tokenId = randomUUID();
    sink.failingPublishes = 1;
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);
    recorder.record(tokenId, tenantId, at('10:00:01'), OK);
    const attempted: string[][] = [];
    sink.duringPublish = () => undefined;
    const publish = sink.publish.bind(sink);
    sink.publish = (events) => {
      attempted.push(events.map((e) => e.id));
      return publish(events);
    };

    await recorder.flush();
    expect(sink.published).toEqual([]);

    recorder.record(tokenId, tenantId, at('10:00:02'), OK);
    await recorder.flush();

    // The retry carries the first attempt's event id: an issuer that applied it already skips it.
    expect(attempted[1]).toEqual(attempted[0]);
    expect(sink.events.map((e) => [e.data.count, e.data.lastUsedAt])).toEqual([
      [2, at('10:00:01').toISOString()],
      [1, at('10:00:02').toISOString()],
    ]);
  });

  it('sends nothing newer while a failed batch is still unsent', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);
    sink.failingPublishes = 2;
    await recorder.flush();
    recorder.record(tokenId, tenantId, at('10:00:09'), OK);
    await recorder.flush();
    expect(sink.published).toEqual([]);

    await recorder.flush();
    expect(sink.events.map((e) => e.data.count)).toEqual([1, 1]);
  });

  it('ensures the topics before the first publish', async () => {
    await recorder.onModuleInit();

    expect(sink.prepareCalls).toBe(1);
  });

  it('keeps counting when the broker is down at start, and prepares again before publishing', async () => {
    sink.failingPrepares = 1;
    await recorder.onModuleInit();
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);

    await recorder.flush();

    expect(sink.prepareCalls).toBe(2);
    expect(sink.events).toHaveLength(1);
  });

  it('flushes on its interval once started', async () => {
    jest.useFakeTimers();
    await recorder.onModuleInit();
    recorder.record(randomUUID(), tenantId, at('10:00:00'), OK);

    await jest.advanceTimersByTimeAsync(settings.USAGE_FLUSH_INTERVAL_MS - 1);
    expect(sink.published).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sink.published).toHaveLength(1);
  });

  it('flushes once more on shutdown, then closes the sink and stops its timer', async () => {
    jest.useFakeTimers();
    await recorder.onModuleInit();
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);

    await recorder.onApplicationShutdown();

    expect(sink.events.map((e) => e.subject)).toEqual([tokenId]);
    expect(sink.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('runs concurrent flushes one after another without publishing a count twice', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'), OK);

    await Promise.all([recorder.flush(), recorder.flush(), recorder.flush()]);

    expect(sink.events.map((e) => e.data.count)).toEqual([1]);
  });

  describe('verdict analytics', () => {
    it('counts every verdict per minute, reason and caller, refusals included', async () => {
      const tokenId = randomUUID();
      recorder.record(tokenId, tenantId, at('10:00:01'), OK, 'billing-api');
      recorder.record(tokenId, tenantId, at('10:00:02'), OK, 'billing-api');
      recorder.record(tokenId, tenantId, at('10:00:03'), VerifyReason.Revoked, 'billing-api');
      recorder.record(tokenId, tenantId, at('10:00:59'), OK);
      recorder.record(tokenId, tenantId, at('10:01:00'), VerifyReason.InsufficientScope, 'crm');
      // A verdict of an earlier minute arriving late still lands in its minute.
      recorder.record(tokenId, tenantId, at('10:00:30'), OK, 'billing-api');

      await recorder.flush();

      expect(sink.events.map((e) => e.data.count)).toEqual([4]);
      const [summary] = sink.verdictEvents;
      expect(parseEvent(JSON.stringify(summary)).ok).toBe(true);
      expect(summary).toMatchObject({
        type: EventType.TokenVerificationsCounted,
        subject: tokenId,
        tenantId,
        data: { tokenId, verifierInstance: 'verifier-a' },
      });
      expect(summary.data.counts).toEqual(
        expect.arrayContaining([
          { minute: at('10:00:00').toISOString(), reason: OK, caller: 'billing-api', count: 3 },
          { minute: at('10:00:00').toISOString(), reason: 'REVOKED', caller: 'billing-api', count: 1 },
          { minute: at('10:00:00').toISOString(), reason: OK, caller: null, count: 1 },
          { minute: at('10:01:00').toISOString(), reason: 'INSUFFICIENT_SCOPE', caller: 'crm', count: 1 },
        ]),
      );
      expect(summary.data.counts).toHaveLength(4);
    });

    it('publishes a summary for a token only refused, and no TokenUsed for it', async () => {
      const tokenId = randomUUID();
      recorder.record(tokenId, tenantId, at('10:00:00'), VerifyReason.Expired);

      await recorder.flush();

      expect(sink.events).toEqual([]);
      expect(sink.verdictEvents.map((e) => e.data.counts)).toEqual([
        [{ minute: at('10:00:00').toISOString(), reason: 'EXPIRED', caller: null, count: 1 }],
      ]);
    });

    it('bounds the callers counted per token and minute: further names count as (other)', async () => {
      recorder = new UsageRecorder(sink, { ...settings, VERIFICATION_ANALYTICS_MAX_CALLERS: 2 });
      const tokenId = randomUUID();
      for (const caller of ['a', 'b', 'c', 'd', 'c', undefined]) {
        recorder.record(tokenId, tenantId, at('10:00:00'), OK, caller);
      }

      await recorder.flush();

      const counts = sink.verdictEvents[0].data.counts.map((c) => [c.caller, c.count]);
      expect(counts).toEqual(
        expect.arrayContaining([
          ['a', 1],
          ['b', 1],
          ['(other)', 3],
          [null, 1],
        ]),
      );
      expect(counts).toHaveLength(4);
    });

    it('with analytics off, publishes TokenUsed alone, counting only successes', async () => {
      recorder = new UsageRecorder(sink, { ...settings, VERIFICATION_ANALYTICS: false });
      const tokenId = randomUUID();
      recorder.record(tokenId, tenantId, at('10:00:00'), OK, 'billing-api');
      recorder.record(tokenId, tenantId, at('10:00:01'), VerifyReason.Revoked);

      await recorder.flush();

      expect(sink.events.map((e) => e.data.count)).toEqual([1]);
      expect(sink.verdictEvents).toEqual([]);
    });

    it('derives event ids from the batch: distinct per batch and token, valid UUIDs', async () => {
      const [first, second] = [randomUUID(), randomUUID()];
      recorder.record(first, tenantId, at('10:00:00'), OK);
      recorder.record(second, tenantId, at('10:00:00'), OK);
      await recorder.flush();
      recorder.record(first, tenantId, at('10:00:01'), OK);
      await recorder.flush();

      const ids = sink.batches.flat().map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => parseEvent(JSON.stringify({ ...sink.batches[0][0], id })).ok)).toBe(true);
      expect(eventIdOf('v/run/1', 'used', first, 0)).toBe(eventIdOf('v/run/1', 'used', first, 0));
      expect(eventIdOf('v/run/1', 'used', first, 0)).not.toBe(eventIdOf('v/run/2', 'used', first, 0));
    });

    it('counts each verdict exactly once when a batch reached some partitions and failed on others', async () => {
      // The issuer's side: applies each event id once, as the processed-events table does.
      const applied = new Map<string, UsageEvent>();
      const partitionOf = (tokenId: string) => tokenId.charCodeAt(0) % 2;
      let partitionDown: number | null = 1;
      sink.publish = (events) => {
        for (const event of events) {
          if (partitionOf(event.subject) !== partitionDown && !applied.has(event.id)) {
            applied.set(event.id, event);
          }
        }
        return partitionDown === null
          ? Promise.resolve()
          : Promise.reject(new Error('NOT_LEADER_FOR_PARTITION on partition 1'));
      };
      const tokens = Array.from({ length: 12 }, () => randomUUID());
      expect(new Set(tokens.map(partitionOf)).size).toBe(2);
      for (const tokenId of tokens) {
        recorder.record(tokenId, tenantId, at('10:00:00'), OK, 'billing-api');
        recorder.record(tokenId, tenantId, at('10:00:01'), VerifyReason.Revoked, 'billing-api');
      }

      await recorder.flush();
      // Verified meanwhile: counted in the next batch, not mixed into the one being sent again.
      recorder.record(tokens[0], tenantId, at('10:00:02'), OK, 'billing-api');
      await recorder.flush();
      partitionDown = null;
      await recorder.flush();
      await recorder.flush();

      const verdicts = (reason: string) =>
        [...applied.values()]
          .filter((e) => e.type === EventType.TokenVerificationsCounted)
          .flatMap((e) => (e.type === EventType.TokenVerificationsCounted ? e.data.counts : []))
          .filter((c) => c.reason === reason)
          .reduce((sum, c) => sum + c.count, 0);
      expect(verdicts(OK)).toBe(13);
      expect(verdicts('REVOKED')).toBe(12);
      const used = [...applied.values()].reduce(
        (sum, e) => sum + (e.type === EventType.TokenUsed ? e.data.count : 0),
        0,
      );
      expect(used).toBe(13);
    });
  });
});

function at(time: string): Date {
  return new Date(`2030-01-01T${time}.000Z`);
}
