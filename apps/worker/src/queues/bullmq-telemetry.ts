import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span as OtelSpan,
  SpanKind as OtelSpanKind,
  trace,
} from '@opentelemetry/api';
import type { Span, SpanOptions, Telemetry } from 'bullmq';

/**
 * BullMQ's telemetry hooks on the OpenTelemetry API: adding a job stores the active trace context in the
 * job's options (not in its payload, whose shape is frozen), and processing it runs in that context, so
 * a job queued while handling a traced event belongs to the event's trace. Queue housekeeping that
 * belongs to no trace (BullMQ's polling for the next job, its stalled-job checks) records nothing.
 * Used only when tracing is on (JobQueues).
 */
export function bullmqTelemetry(): Telemetry<Context> {
  const tracer = trace.getTracer('latchkey-worker-bullmq');
  return {
    tracer: {
      startSpan(name: string, options?: SpanOptions, parent?: Context): Span<Context> {
        const ctx = parent ?? context.active();
        const kind = options?.kind ?? OtelSpanKind.INTERNAL;
        if (kind === OtelSpanKind.INTERNAL && trace.getSpan(ctx) === undefined) {
          return wrap(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
        }
        return wrap(tracer.startSpan(name, { kind }, ctx));
      },
    },
    contextManager: {
      with: (ctx, fn) => context.with(ctx as Context, fn),
      active: () => context.active(),
      root: () => ROOT_CONTEXT,
      getMetadata(ctx: Context): string {
        const carrier: Record<string, string> = {};
        propagation.inject(ctx, carrier);
        return JSON.stringify(carrier);
      },
      fromMetadata(active: Context, metadata: string): Context {
        try {
          return propagation.extract(active, JSON.parse(metadata) as Record<string, string>);
        } catch {
          return active;
        }
      },
    },
  };
}

function wrap(span: OtelSpan): Span<Context> {
  return {
    setSpanOnContext: (ctx) => trace.setSpan(ctx, span),
    setAttribute: (key, value) => {
      span.setAttribute(key, value);
    },
    setAttributes: (attributes) => {
      span.setAttributes(attributes);
    },
    addEvent: (name, attributes) => {
      span.addEvent(name, attributes);
    },
    recordException: (exception, time) => {
      span.recordException(exception, time);
    },
    end: () => span.end(),
  };
}
