import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { EventType, parseEvent } from '@latchkey/contracts';
import { FakeUsageEventSink } from '../testing/fakes';
import { USAGE_EVENT_SOURCE, UsageRecorder } from './usage-recorder';

const settings = { USAGE_FLUSH_INTERVAL_MS: 60_000, VERIFIER_INSTANCE_ID: 'verifier-a' };
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
    recorder.record(first, tenantId, at('10:00:03'));
    recorder.record(first, tenantId, at('10:00:01'));
    recorder.record(first, tenantId, at('10:00:02'));
    recorder.record(second, tenantId, at('10:00:05'));

    await recorder.flush();

    expect(sink.published).toHaveLength(1);
    expect(sink.events.map((e) => [e.subject, e.data.count, e.data.lastUsedAt])).toEqual([
      [first, 3, at('10:00:03').toISOString()],
      [second, 1, at('10:00:05').toISOString()],
    ]);
  });

  it('publishes events that satisfy the TokenUsed contract', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'));

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
    recorder.record(tokenId, tenantId, at('10:00:00'));
    recorder.record(tokenId, tenantId, at('10:00:01'));
    await recorder.flush();
    recorder.record(tokenId, tenantId, at('10:01:00'));
    await recorder.flush();

    expect(sink.published.map((batch) => batch.map((e) => e.data.count))).toEqual([[2], [1]]);
  });

  it('sends a failed batch again as the same events, before what was counted meanwhile', async () => {
    const tokenId = randomUUID();
    sink.failingPublishes = 1;
    recorder.record(tokenId, tenantId, at('10:00:00'));
    recorder.record(tokenId, tenantId, at('10:00:01'));
    const attempted: string[][] = [];
    sink.duringPublish = () => undefined;
    const publish = sink.publish.bind(sink);
    sink.publish = (events) => {
      attempted.push(events.map((e) => e.id));
      return publish(events);
    };

    await recorder.flush();
    expect(sink.published).toEqual([]);

    recorder.record(tokenId, tenantId, at('10:00:02'));
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
    recorder.record(tokenId, tenantId, at('10:00:00'));
    sink.failingPublishes = 2;
    await recorder.flush();
    recorder.record(tokenId, tenantId, at('10:00:09'));
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
    recorder.record(tokenId, tenantId, at('10:00:00'));

    await recorder.flush();

    expect(sink.prepareCalls).toBe(2);
    expect(sink.events).toHaveLength(1);
  });

  it('flushes on its interval once started', async () => {
    jest.useFakeTimers();
    await recorder.onModuleInit();
    recorder.record(randomUUID(), tenantId, at('10:00:00'));

    await jest.advanceTimersByTimeAsync(settings.USAGE_FLUSH_INTERVAL_MS - 1);
    expect(sink.published).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sink.published).toHaveLength(1);
  });

  it('flushes once more on shutdown, then closes the sink and stops its timer', async () => {
    jest.useFakeTimers();
    await recorder.onModuleInit();
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'));

    await recorder.onApplicationShutdown();

    expect(sink.events.map((e) => e.subject)).toEqual([tokenId]);
    expect(sink.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('runs concurrent flushes one after another without publishing a count twice', async () => {
    const tokenId = randomUUID();
    recorder.record(tokenId, tenantId, at('10:00:00'));

    await Promise.all([recorder.flush(), recorder.flush(), recorder.flush()]);

    expect(sink.events.map((e) => e.data.count)).toEqual([1]);
  });
});

function at(time: string): Date {
  return new Date(`2030-01-01T${time}.000Z`);
}
