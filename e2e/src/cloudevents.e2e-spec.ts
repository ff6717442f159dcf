import { randomUUID } from 'node:crypto';
import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage as CloudEventsMessage } from 'cloudevents';
import { type Consumer, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import request from 'supertest';
import { createEvent, EVENT_SOURCES, EventType, parseEvent, Topic, topicName } from '@latchkey/contracts';
import { toMessage } from '@latchkey/messaging';
import { waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

/** A message as read from the broker, in the shape the CloudEvents SDK's Kafka binding takes. */
interface Received {
  topic: string;
  message: CloudEventsMessage<string>;
}

function asCloudEventsMessage(message: KafkaMessage): CloudEventsMessage<string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value.toString();
  }
  const value = message.value?.toString() ?? '';
  return { key: message.key?.toString() ?? '', value, body: value, headers };
}

/**
 * What the running services publish is CloudEvents 1.0 that the official SDK decodes and validates:
 * messages are read back from the real broker (issuer's outbox relay, verifier's usage publisher, the
 * dead-letter path), and the consumers still accept the envelope published before.
 */
describe('events are CloudEvents 1.0', () => {
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const tenant = `ce-${randomUUID().slice(0, 8)}`;
  let system: RunningSystem;
  let kafka: Kafka;
  let tap: Consumer;
  let producer: Producer;
  const received: Received[] = [];

  beforeAll(async () => {
    system = await startSystem();
    kafka = new Kafka({
      clientId: 'e2e-cloudevents',
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
    tap = kafka.consumer({ groupId: `ce-${process.env.LATCHKEY_TEST_RUN_ID}-${tenant}` });
    await tap.connect();
    await tap.subscribe({
      topics: [Topic.TokenLifecycle, Topic.TokenUsage, Topic.Members, Topic.DeadLetter].map((t) =>
        topicName(t, prefix),
      ),
      fromBeginning: true,
    });
    await tap.run({
      eachMessage: ({ topic, message }) => {
        // Topics are shared by the run: only this spec's tenant counts.
        if (message.value?.toString().includes(tenant)) {
          received.push({ topic, message: asCloudEventsMessage(message) });
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await tap?.disconnect();
    await producer?.disconnect();
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);

  /** The decoded, validated CloudEvent of the first message on `topic` of type `type` about `subject`. */
  async function published(topic: Topic, type: EventType, subject: string) {
    const found = await waitFor(
      () =>
        received.find((r) => {
          if (r.topic !== topicName(topic, prefix)) return false;
          const parsed = parseEvent(r.message.value);
          return parsed.ok && parsed.event.type === type && parsed.event.subject === subject;
        }),
      { what: `${type} about ${subject} on ${topic}`, timeoutMs: 30_000 },
    );
    return { ...found, event: decode(found.message) };
  }

  /** Decodes with the SDK's Kafka binding, validates strictly, and checks what the SDK leaves to us. */
  function decode(message: CloudEventsMessage<string>): CloudEvent<unknown> {
    expect(CloudEventsKafka.isEvent(message)).toBe(true);
    // One mode: structured. No binary-mode `ce_` header next to the structured content type.
    expect(message.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(Object.keys(message.headers).filter((name) => name.startsWith('ce_'))).toEqual([]);
    const event = CloudEventsKafka.toEvent(message) as CloudEvent<unknown>;
    expect(event.validate()).toBe(true);
    // The strict constructor refuses any attribute name that is not lowercase alphanumerics.
    const strict = new CloudEvent(JSON.parse(message.value) as Record<string, unknown>, true);
    expect(strict.specversion).toBe('1.0');
    for (const name of Object.keys(JSON.parse(message.value) as object)) {
      expect(name).toMatch(/^[a-z0-9]{1,20}$/);
    }
    expect(event).toMatchObject({
      specversion: '1.0',
      datacontenttype: 'application/json',
      tenantid: tenant,
      dataversion: 1,
      partitionkey: event.subject,
    });
    expect(Date.parse(event.time ?? '')).not.toBeNaN();
    // And our own reader reads the same event from the same bytes.
    const ours = parseEvent(message.value);
    expect(ours.ok && ours.event).toMatchObject({
      id: event.id,
      type: event.type,
      tenantId: tenant,
      dataVersion: 1,
      data: event.data,
    });
    return event;
  }

  it('publishes every lifecycle, member and usage event as a valid structured-mode CloudEvent', async () => {
    const owner = await system.adminAuth({ tenantId: tenant, userId: 'olga', role: 'owner' });
    const created = await issuer()
      .post('/v1/tokens')
      .set('Authorization', owner)
      .send({ name: 'cloudevents', description: 'before' })
      .expect(201);
    const id = created.body.id as string;
    await issuer()
      .patch(`/v1/tokens/${id}`)
      .set('Authorization', owner)
      .send({ description: 'after' })
      .expect(200);
    await system.verifyHttp(created.body.token).expect(200);
    await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', owner)
      .send({ maxLifetimeDays: 90 })
      .expect(200);
    await issuer().post(`/v1/tokens/${id}/revoke`).set('Authorization', owner).expect(200);

    const tokenCreated = await published(Topic.TokenLifecycle, EventType.TokenCreated, id);
    expect(tokenCreated.event.source).toBe(EVENT_SOURCES.issuer);
    expect(tokenCreated.event.data).toMatchObject({ tokenId: id, name: 'cloudevents' });
    expect(JSON.stringify(tokenCreated.event)).not.toContain(created.body.token);
    const updated = await published(Topic.TokenLifecycle, EventType.TokenUpdated, id);
    expect(updated.event.data).toMatchObject({ changes: { description: 'after' } });
    const used = await published(Topic.TokenUsage, EventType.TokenUsed, id);
    expect(used.event.source).toBe(EVENT_SOURCES.verifier);
    await published(Topic.TokenLifecycle, EventType.TokenRevoked, id);
    const policy = await published(Topic.Members, EventType.TenantPolicyChanged, tenant);
    expect(policy.event.data).toMatchObject({ changes: { maxLifetimeDays: 90 } });
  });

  it('has consumers accept the envelope published before next to the new one (rolling upgrade)', async () => {
    // A tenant of its own: the first test gave `tenant` a maximum lifetime.
    const upgraded = `${tenant}-up`;
    const admin = await system.adminAuth({ tenantId: upgraded, userId: 'ada', role: 'admin' });
    const created = await issuer()
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'mixed' })
      .expect(201);
    const id = created.body.id as string;
    const usage = (count: number) =>
      createEvent(EventType.TokenUsed, {
        source: EVENT_SOURCES.verifier,
        subject: id,
        tenantId: upgraded,
        data: { tokenId: id, count, lastUsedAt: new Date().toISOString(), verifierInstance: 'e2e-upgrade' },
      });
    const legacy = toMessage(usage(2), 'legacy');
    // The old envelope really is the old one: camelCase attributes and binary-mode headers.
    expect(JSON.parse(String(legacy.value))).toMatchObject({ tenantId: upgraded, dataVersion: 1 });
    expect(legacy.headers).toMatchObject({ ce_type: EventType.TokenUsed });
    await producer.send({
      topic: topicName(Topic.TokenUsage, prefix),
      messages: [legacy, toMessage(usage(3))],
    });
    const count = await waitFor(
      async () => {
        const res = await issuer().get(`/v1/tokens/${id}`).set('Authorization', admin);
        return res.body.usageCount >= 5 ? (res.body.usageCount as number) : undefined;
      },
      { what: 'both usage events applied' },
    );
    expect(count).toBe(5);
  });

  it('dead-letters a refused event as a CloudEvent that still decodes, with the reason', async () => {
    const id = randomUUID();
    const forged = createEvent(EventType.TokenUsed, {
      source: EVENT_SOURCES.issuer, // not the verifier: refused by the trust check
      subject: id,
      tenantId: tenant,
      data: { tokenId: id, count: 1, lastUsedAt: new Date().toISOString(), verifierInstance: 'forger' },
    });
    await producer.send({ topic: topicName(Topic.TokenUsage, prefix), messages: [toMessage(forged)] });
    const letter = await waitFor(
      () =>
        received.find(
          (r) => r.topic === topicName(Topic.DeadLetter, prefix) && r.message.value.includes(forged.id),
        ),
      { what: 'the dead letter', timeoutMs: 30_000 },
    );
    expect(letter.message.headers['dlq-reason']).toMatch(/^untrusted: source/);
    const event = decode(letter.message);
    expect(event).toMatchObject({ id: forged.id, type: EventType.TokenUsed, subject: id });
  });
});
