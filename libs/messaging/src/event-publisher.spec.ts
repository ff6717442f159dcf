import { randomUUID } from 'node:crypto';
import { type CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import { createEvent, EVENT_SOURCES, EventType, parseEvent } from '@latchkey/contracts';
import { toMessage } from './event-publisher';

const tokenId = randomUUID();
const revoked = (fields: { traceparent?: string } = {}) => ({
  ...createEvent(EventType.TokenRevoked, {
    source: EVENT_SOURCES.issuer,
    subject: tokenId,
    tenantId: 'acme',
    data: { tokenId, revokedBy: 'alice', revokedAt: new Date().toISOString() },
  }),
  ...fields,
});

/** The message as a consumer using the CloudEvents SDK sees it (string headers and value). */
function asSdkMessage(message: ReturnType<typeof toMessage>) {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  const value = String(message.value);
  return { key: String(message.key), value, body: value, headers };
}

describe('toMessage', () => {
  it('writes a structured-mode CloudEvent the SDK decodes and validates, with no ce_ header', () => {
    const event = revoked();
    const message = toMessage(event);
    expect(Object.keys(message.headers ?? {})).toEqual(['content-type']);
    const decoded = CloudEventsKafka.toEvent(asSdkMessage(message)) as CloudEvent<unknown>;
    expect(decoded.validate()).toBe(true);
    expect(decoded).toMatchObject({
      id: event.id,
      type: EventType.TokenRevoked,
      subject: tokenId,
      tenantid: 'acme',
      dataversion: 1,
      partitionkey: tokenId,
      data: event.data,
    });
    expect(parseEvent(message.value as string)).toEqual({ ok: true, event });
  });

  it('carries a traced change’s context as the traceparent extension and header', () => {
    const traceparent = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const message = toMessage(revoked({ traceparent }));
    expect(message.headers).toMatchObject({ traceparent });
    const decoded = CloudEventsKafka.toEvent(asSdkMessage(message)) as CloudEvent<unknown>;
    expect(decoded.traceparent).toBe(traceparent);
  });

  it('writes exactly the envelope published before in the legacy format', () => {
    const event = revoked();
    const message = toMessage(event, 'legacy');
    expect(JSON.parse(String(message.value))).toEqual(event);
    expect(message.headers).toEqual({
      ce_id: event.id,
      ce_type: event.type,
      'content-type': 'application/cloudevents+json',
    });
    expect(parseEvent(message.value as string)).toEqual({ ok: true, event });
  });
});
