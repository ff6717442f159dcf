/*
 * Loaded first by main.ts, before anything an OpenTelemetry instrumentation patches: starts tracing
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set, and loads nothing otherwise (docs/observability.md).
 */
import { startTracing } from '@latchkey/service-runtime/tracing';

startTracing('worker');
