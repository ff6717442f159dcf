import { activeTraceContext, startTracing, tracingActive, tracingConfigured } from './tracing';

describe('tracing switch', () => {
  it('is off without an OTLP endpoint, and on with one unless the SDK is disabled', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      true,
    );
    expect(
      tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
  });

  it('starts nothing and carries no context when off', () => {
    expect(startTracing('spec', {})).toBe(false);
    expect(tracingActive()).toBe(false);
    expect(activeTraceContext()).toEqual({});
  });
});
