import type { LatchkeyEvent } from './events';

/*
 * ┌──────────────────────────────────────────────────────────────────────────────────────────────┐
 * │ FROZEN. The attribute names below are the wire contract with every consumer of the topics.    │
 * │ Changing or adding one needs a migration plan: add the new shape, accept both, drain (see     │
 * │ docs/architecture.md, "Events"). Payloads (`data`) evolve additively.                         │
 * └──────────────────────────────────────────────────────────────────────────────────────────────┘
 *
 * Every Latchkey event is a CloudEvents 1.0 event in structured content mode (Kafka protocol binding
 * §3.3): the message value is the whole event in the JSON event format, the `content-type` header says
 * so, and no `ce_` header is set. Structured rather than binary mode because the value alone is the
 * event: the outbox row, a dead-lettered copy (which keeps the value, not the headers) and any topic
 * dump stay complete, self-describing events; and the readers that existed before (which parse the
 * value) keep one code path for the old envelope and the new one.
 */

/** The media type of the JSON event format, as the `content-type` Kafka header carries it. */
export const CLOUDEVENTS_JSON_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** The content type of `data`. */
export const EVENT_DATA_CONTENT_TYPE = 'application/json';

/**
 * Extension attributes Latchkey sets (names: lowercase a-z and 0-9, at most 20 characters). The
 * envelope's camelCase fields map to them on the wire; `parseEvent` maps them back.
 */
export const EVENT_EXTENSIONS = {
  /** The tenant the event belongs to (the envelope's `tenantId`). */
  tenantId: 'tenantid',
  /** Which shape `data` has (the envelope's `dataVersion`). */
  dataVersion: 'dataversion',
  /** W3C trace context (CloudEvents Distributed Tracing extension); only when the change was traced. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** A Latchkey event as a CloudEvents 1.0 JSON object. */
export interface CloudEventJson {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: typeof EVENT_DATA_CONTENT_TYPE;
  tenantid: string;
  dataversion: number;
  traceparent?: string;
  tracestate?: string;
  data: unknown;
}

/** The event in the CloudEvents JSON format (what the message value holds). */
export function toCloudEvent(event: LatchkeyEvent): CloudEventJson {
  const json: CloudEventJson = {
    specversion: event.specversion,
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    datacontenttype: EVENT_DATA_CONTENT_TYPE,
    tenantid: event.tenantId,
    dataversion: event.dataVersion,
    data: event.data,
  };
  if (event.traceparent) json.traceparent = event.traceparent;
  if (event.tracestate) json.tracestate = event.tracestate;
  return json;
}
