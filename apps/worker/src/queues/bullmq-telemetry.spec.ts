import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bullmqTelemetry } from './bullmq-telemetry';

const exporter = new InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterEach(() => exporter.reset());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('bullmqTelemetry (in-memory span exporter)', () => {
  it('processes a job as a child of the span that added it, across the stored metadata', () => {
    const telemetry = bullmqTelemetry();
    const event = provider.getTracer('spec').startSpan('process lifecycle event');
    const eventContext = trace.setSpan(ROOT_CONTEXT, event);
    // Queue.add: a producer span in the active context; its context is stored with the job.
    const add = telemetry.tracer.startSpan('add mail', { kind: SpanKind.PRODUCER }, eventContext);
    const metadata = telemetry.contextManager.getMetadata(add.setSpanOnContext(eventContext));
    add.end();
    event.end();
    // Worker: later, elsewhere, with nothing active.
    const parent = telemetry.contextManager.fromMetadata(ROOT_CONTEXT, metadata);
    const processing = telemetry.tracer.startSpan('process mail', { kind: SpanKind.CONSUMER }, parent);
    processing.end();
    const spans = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
    const traceId = event.spanContext().traceId;
    expect(spans['add mail'].spanContext().traceId).toBe(traceId);
    expect(spans['add mail'].parentSpanContext?.spanId).toBe(event.spanContext().spanId);
    expect(spans['process mail'].spanContext().traceId).toBe(traceId);
    expect(spans['process mail'].parentSpanContext?.spanId).toBe(spans['add mail'].spanContext().spanId);
  });

  it('records nothing for housekeeping outside a trace (polling for the next job)', () => {
    const telemetry = bullmqTelemetry();
    telemetry.tracer.startSpan('getNextJob mail', { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('ignores metadata that is not a stored context', () => {
    const telemetry = bullmqTelemetry();
    expect(telemetry.contextManager.fromMetadata(ROOT_CONTEXT, '{not json')).toBe(ROOT_CONTEXT);
  });
});
