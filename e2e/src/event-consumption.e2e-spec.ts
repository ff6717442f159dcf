import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import request from 'supertest';
import { createEvent, EVENT_SOURCES, EventType, Topic, topicName } from '@latchkey/contracts';
import { toMessage } from '@latchkey/messaging';
import { waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

/** A verifier's usage summary, as it would publish it (or as a forger would, with `fields`). */
function tokenUsed(
  tokenId: string,
  tenantId: string,
  count: number,
  fields: { source?: string; lastUsedAt?: string; verifierInstance?: string } = {},
) {
  return createEvent(EventType.TokenUsed, {
    source: fields.source ?? EVENT_SOURCES.verifier,
    subject: tokenId,
    tenantId,
    data: {
      tokenId,
      count,
      lastUsedAt: fields.lastUsedAt ?? new Date().toISOString(),
      verifierInstance: fields.verifierInstance ?? 'e2e',
    },
  });
}

/** Consumers apply each event once, and set aside what they cannot parse, with the reason. */
describe('event consumption', () => {
  let system: RunningSystem;
  let producer: Producer;
  let kafka: Kafka;
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';

  beforeAll(async () => {
    system = await startSystem();
    kafka = new Kafka({
      clientId: 'e2e',
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await system?.close();
  });

  /** Collects the dead letters carrying `marker` until stopped. */
  async function deadLetters(marker: string) {
    const seen: { value: string; reason: string; group: string }[] = [];
    const dlq = kafka.consumer({ groupId: `dlq-${process.env.LATCHKEY_TEST_RUN_ID}-${marker}` });
    await dlq.connect();
    await dlq.subscribe({ topic: topicName(Topic.DeadLetter, prefix), fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (!value.includes(marker)) return Promise.resolve();
        seen.push({
          value,
          reason: message.headers?.['dlq-reason']?.toString() ?? '',
          group: message.headers?.['dlq-consumer-group']?.toString() ?? '',
        });
        return Promise.resolve();
      },
    });
    return { seen, stop: () => dlq.disconnect() };
  }

  const createToken = async (admin: string) =>
    (
      await request(system.issuer.url)
        .post('/v1/tokens')
        .set('Authorization', admin)
        .send({ name: 't' })
        .expect(201)
    ).body as { id: string };

  /** Polls the admin API until the token's usageCount reaches `atLeast`; returns the count seen. */
  const usageOnceAtLeast = (admin: string, tokenId: string, atLeast: number, what: string) =>
    waitFor(
      async () => {
        const res = await request(system.issuer.url).get(`/v1/tokens/${tokenId}`).set('Authorization', admin);
        return res.body.usageCount >= atLeast ? (res.body.usageCount as number) : undefined;
      },
      { what },
    );

  it('applies a redelivered TokenUsed event once', async () => {
    const admin = await system.adminAuth({ tenantId: 'dupes', userId: 'dan', role: 'admin' });
    const { body } = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'd' });
    const event = tokenUsed(body.id, 'dupes', 7);
    const marker = tokenUsed(body.id, 'dupes', 1);
    // The same event three times, then a different one: once the marker is applied, so were the others.
    await producer.send({
      topic: topicName(Topic.TokenUsage, prefix),
      messages: [toMessage(event), toMessage(event), toMessage(event), toMessage(marker)],
    });
    const usage = await usageOnceAtLeast(admin, body.id, 8, 'the usage events to be applied');
    expect(usage).toBe(8);
  });

  it('ignores usage claimed for a token of another tenant', async () => {
    const admin = await system.adminAuth({ tenantId: 'victim', userId: 'vic', role: 'admin' });
    const { body } = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'v' });
    const forged = tokenUsed(body.id, 'attacker', 50);
    const marker = tokenUsed(body.id, 'victim', 1);
    await producer.send({
      topic: topicName(Topic.TokenUsage, prefix),
      messages: [toMessage(forged), toMessage(marker)],
    });
    const usage = await usageOnceAtLeast(admin, body.id, 1, 'the marker event to be applied');
    expect(usage).toBe(1);
  });

  it('sends a message that does not parse to the dead-letter topic with the reason', async () => {
    // The dead-letter topic is the run's, shared by every spec: only the letters carrying this test's
    // marker are counted.
    const marker = randomUUID();
    const notJson = `{"type":"not an event","marker":"${marker}"`;
    const notAnEvent = JSON.stringify({ id: 'nope', marker });
    const dlq = kafka.consumer({ groupId: `dlq-${process.env.LATCHKEY_TEST_RUN_ID}-${marker}` });
    const seen: { value: string; reason: string; group: string }[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: topicName(Topic.DeadLetter, prefix), fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (!value.includes(marker)) return Promise.resolve();
        seen.push({
          value,
          reason: message.headers?.['dlq-reason']?.toString() ?? '',
          group: message.headers?.['dlq-consumer-group']?.toString() ?? '',
        });
        return Promise.resolve();
      },
    });
    try {
      await producer.send({
        topic: topicName(Topic.TokenUsage, prefix),
        // One key, so one partition: the dead letters keep this order.
        messages: [
          { key: marker, value: notJson },
          { key: marker, value: notAnEvent },
        ],
      });
      // Every consumer group of the topic sets them aside on its own: usage tracking and the audit log.
      const byGroup = (prefixOfGroup: string) => seen.filter((d) => d.group.startsWith(prefixOfGroup));
      const usage = await waitFor(() => (byGroup('issuer-').length >= 2 ? byGroup('issuer-') : undefined), {
        what: 'two dead letters from usage tracking',
      });
      expect(usage.map((d) => d.value)).toEqual([notJson, notAnEvent]);
      expect(usage[0].reason).toMatch(/^not JSON/);
      expect(usage[1].reason).toMatch(/^bad envelope/);
      const audit = await waitFor(() => (byGroup('audit-').length >= 2 ? byGroup('audit-') : undefined), {
        what: 'two dead letters from the audit log',
      });
      expect(audit.map((d) => d.reason)).toEqual([usage[0].reason, usage[1].reason]);
      expect(seen).toHaveLength(4);
    } finally {
      await dlq.disconnect();
    }
  });

  it('does not apply usage from the wrong source, a far-future lastUsedAt or a huge count', async () => {
    const admin = await system.adminAuth({ tenantId: 'forgery', userId: 'fay', role: 'admin' });
    const { id } = await createToken(admin);
    const { seen, stop } = await deadLetters(id);
    try {
      const sent = Date.now();
      await producer.send({
        topic: topicName(Topic.TokenUsage, prefix),
        messages: [
          toMessage(tokenUsed(id, 'forgery', 50, { source: EVENT_SOURCES.issuer })),
          toMessage(tokenUsed(id, 'forgery', 999_999_999)),
          toMessage(tokenUsed(id, 'forgery', 1, { lastUsedAt: '2099-01-01T00:00:00.000Z' })),
          toMessage(tokenUsed(id, 'forgery', 1)),
        ],
      });
      const usage = await usageOnceAtLeast(admin, id, 2, 'the genuine summaries to be applied');
      expect(usage).toBe(2);
      const shown = await request(system.issuer.url)
        .get(`/v1/tokens/${id}`)
        .set('Authorization', admin)
        .expect(200);
      // The future was pulled back to the consumer's clock plus KAFKA_MAX_CLOCK_SKEW_MS (60 s).
      expect(Date.parse(shown.body.lastUsedAt)).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(Date.parse(shown.body.lastUsedAt)).toBeGreaterThanOrEqual(sent - 1_000);
      const usageLetters = await waitFor(
        () => {
          const letters = seen.filter((d) => d.group.startsWith('issuer-'));
          return letters.length >= 2 ? letters : undefined;
        },
        { what: 'the forged summaries dead-lettered by usage tracking' },
      );
      expect(usageLetters.map((d) => d.reason)).toEqual([
        expect.stringMatching(
          /^untrusted: source "latchkey\/issuer" may not emit dev\.latchkey\.token\.used/,
        ),
        expect.stringMatching(/^untrusted: usage count 999999999 exceeds/),
      ]);
    } finally {
      await stop();
    }
  });

  it('dead-letters a message whose handler keeps failing, and goes on with the next one', async () => {
    const admin = await system.adminAuth({ tenantId: 'poison', userId: 'pat', role: 'admin' });
    const { id } = await createToken(admin);
    const { seen, stop } = await deadLetters(id);
    try {
      // A NUL cannot be stored by Postgres: the audit log's insert fails every time.
      const poison = tokenUsed(id, 'poison', 1, { verifierInstance: 'e2e\u0000poison' });
      const next = tokenUsed(id, 'poison', 1);
      await producer.send({
        topic: topicName(Topic.TokenUsage, prefix),
        messages: [toMessage(poison), toMessage(next)],
      });
      const letter = await waitFor(() => seen.find((d) => d.group.startsWith('audit-')), {
        what: 'the poison message dead-lettered by the audit log',
      });
      expect(letter.reason).toMatch(/^handler failed 3 times: /);
      expect(JSON.parse(letter.value).id).toBe(poison.id);
      const recorded = await waitFor(
        async () => {
          const page = await request(system.issuer.url)
            .get('/v1/audit-events')
            .query({ tokenId: id, type: 'token.used' })
            .set('Authorization', admin)
            .expect(200);
          const ids = (page.body.items as { id: string }[]).map((item) => item.id);
          return ids.includes(next.id) ? ids : undefined;
        },
        { what: 'the next message on the partition in the audit log' },
      );
      expect(recorded).toEqual([next.id]);
    } finally {
      await stop();
    }
  });
});
