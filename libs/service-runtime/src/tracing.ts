/*
 * Traces with OpenTelemetry, on only when an OTLP endpoint is configured. This module is what every
 * main.ts loads first (through the app's tracing.ts), before any module an instrumentation patches
 * (http, @grpc/grpc-js, pg, ioredis, kafkajs) is required. It imports nothing itself: with tracing off
 * no OpenTelemetry package is loaded, no hook is installed and nothing runs per request.
 */

/** The W3C trace context of the active span, as stored with an outbox row and carried by an event. */
export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

interface RunningTracing {
  shutdown(): Promise<void>;
}

let running: RunningTracing | undefined;

/** Whether traces are on: `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only variant) set, SDK not disabled. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry Node SDK for `service` (resource `service.name` = `latchkey-<service>`
 * unless OTEL_SERVICE_NAME says otherwise) when tracing is configured; does nothing otherwise. Must run
 * before the app's modules load. Idempotent.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (running !== undefined) return true;
  if (!tracingConfigured(env)) return false;
  // Loaded only now: with tracing off, none of the SDK is ever required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  running = sdk.startNodeSdk(service, env);
  return true;
}

/** Whether `startTracing` started the SDK in this process. */
export function tracingActive(): boolean {
  return running !== undefined;
}

/** Flushes and stops the SDK (on shutdown). */
export async function stopTracing(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown();
}

/**
 * The trace context of the active span, to store with a change's outbox events so that publishing them
 * (and what consumers do with them) joins the change's trace. Empty when tracing is off.
 */
export function activeTraceContext(): TraceContextCarrier {
  if (running === undefined) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { context, propagation } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const found: TraceContextCarrier = {};
  if (carrier.traceparent) found.traceparent = carrier.traceparent;
  if (carrier.tracestate) found.tracestate = carrier.tracestate;
  return found;
}
