import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { EventType, Topic } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startSystem, type RunningSystem } from './support/system';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the services export traces over OTLP, and one create is one
 * trace: the issuer's request, its outbox event sent to Kafka, the worker processing the event and the
 * BullMQ job it queued (here an expiry reminder due at once), which calls back into the issuer.
 */
describe('traces', () => {
  let receiver: OtlpReceiver;
  let system: RunningSystem;
  let tap: EventTap;
  const tenant = `traces-${Date.now().toString(36)}`;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    system = await startSystem({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        // The day-0 reminder of a token expiring within the "day" is due at once: one day is decades.
        EXPIRY_REMINDER_DAYS: '0',
        REMINDER_DAY_MS: String(1_000 * 365 * 86_400_000),
      },
    });
    tap = await EventTap.start(Topic.TokenLifecycle);
  });

  afterAll(async () => {
    await tap?.stop();
    await system?.close();
    await receiver?.stop();
  });

  it('follows a create from the issuer through Kafka to the worker and its job', async () => {
    const admin = await system.adminAuth({ tenantId: tenant, userId: 'tess', role: 'admin' });
    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'traced', expiresIn: '30d' })
      .expect(201);
    const id = created.body.id as string;
    const event = await tap.next(
      (e) => e.type === EventType.TokenCreated && e.subject === id && e.tenantId === tenant,
    );
    // The outbox row kept the request's trace context, and the event carries it.
    expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const traceId = (event.traceparent ?? '').split('-')[1];

    const find = (spans: ReceivedSpan[], service: string, kind: number, name: RegExp) =>
      spans.find((s) => s.service === service && s.kind === kind && name.test(s.name));
    const spans = await waitFor(
      () => {
        const trace = receiver.trace(traceId);
        return find(trace, 'latchkey-worker', CONSUMER, /^process expiry-reminder/) ? trace : undefined;
      },
      { what: 'the worker job span in the create trace', timeoutMs: 30_000 },
    );

    const request_ = find(spans, 'latchkey-issuer', SERVER, /^POST/);
    const sent = find(spans, 'latchkey-issuer', PRODUCER, /^send .*latchkey\.token-lifecycle\.v1$/);
    const consumed = find(spans, 'latchkey-worker', CONSUMER, /^process .*latchkey\.token-lifecycle\.v1$/);
    const queued = find(spans, 'latchkey-worker', PRODUCER, /^add expiry-reminder/);
    const job = find(spans, 'latchkey-worker', CONSUMER, /^process expiry-reminder/);
    expect({ request_, sent, consumed, queued, job }).toEqual({
      request_: expect.anything(),
      sent: expect.anything(),
      consumed: expect.anything(),
      queued: expect.anything(),
      job: expect.anything(),
    });
    // Parent links: the Kafka message's context is the send span; the worker's consumer span is its
    // child; the job was queued inside the consumer span and processed as a child of the enqueue.
    expect(consumed?.parentSpanId).toBe(sent?.spanId);
    const ancestors = (span: ReceivedSpan | undefined): string[] => {
      const chain: string[] = [];
      let current = span;
      while (current?.parentSpanId) {
        chain.push(current.parentSpanId);
        current = spans.find((s) => s.spanId === current?.parentSpanId);
      }
      return chain;
    };
    expect(ancestors(queued)).toContain(consumed?.spanId);
    expect(ancestors(job)).toContain(queued?.spanId);
    expect(ancestors(sent)).toContain(request_?.spanId);
    // The job read the token's state from the issuer: that request is in the trace too.
    await waitFor(
      () =>
        receiver
          .trace(traceId)
          .find((s) => s.service === 'latchkey-issuer' && s.kind === SERVER && s.spanId !== request_?.spanId),
      { what: "the issuer's internal request from the job", timeoutMs: 15_000 },
    );
  });

  it('records no trace for health probes, but does for API calls', async () => {
    // The target as either semantic convention names it (`http.target`, or `url.path` + `url.query`).
    const path = (span: ReceivedSpan) => {
      const { 'url.path': urlPath, 'url.query': query, 'http.target': target } = span.attributes;
      if (target !== undefined) return String(target);
      return `${String(urlPath ?? '')}${query ? `?${String(query)}` : ''}`;
    };
    await request(system.issuer.url).get('/health').expect(200);
    await request(system.issuer.url).get('/v1/tokens?probe=traces').expect(401);
    await waitFor(() => receiver.spans.find((s) => path(s).startsWith('/v1/tokens?probe=traces')), {
      what: 'the API call span',
    });
    expect(receiver.spans.filter((s) => path(s).startsWith('/health'))).toEqual([]);
  });

  it('loads no OpenTelemetry SDK, exporter or instrumentation in a verifier with tracing off', () => {
    const dist = (app: string, file: string) => resolve(__dirname, '../../apps', app, 'dist', file);
    const script = `
      require('reflect-metadata');
      require(${JSON.stringify(dist('verifier', 'tracing.js'))});
      require(${JSON.stringify(dist('verifier', 'verifier.app.js'))});
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({
        total: loaded.length,
        otel: loaded.filter((path) => path.includes('@opentelemetry')),
        app: loaded.some((path) => path.includes('verification.service')),
      }));`;
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const { otel, app } = JSON.parse(execFileSync(process.execPath, ['-e', script], { env }).toString()) as {
      otel: string[];
      app: boolean;
    };
    expect(app).toBe(true);
    // No SDK, no exporter, no instrumentation. The API package alone (a no-op without an SDK) is loaded
    // by prom-client's default process metrics, which look for it to attach exemplars.
    expect(otel.filter((path) => !path.includes('/node_modules/@opentelemetry/api/'))).toEqual([]);
  });
});
