import { Controller, type DynamicModule, Get, Header, Inject, Module } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

/** The service's own Prometheus registry (never prom-client's global one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * Label names no series may carry: ids that grow with tenants and tokens would make every series
 * unbounded (cardinality) and tell whoever reads `/metrics` which tenants and tokens exist (privacy).
 */
const FORBIDDEN_LABELS = new Set([
  'tenant',
  'tenantid',
  'tenant_id',
  'token',
  'tokenid',
  'token_id',
  'owner',
  'ownerid',
  'owner_id',
  'user',
  'userid',
  'user_id',
  'email',
  'offerid',
  'offer_id',
  'jobid',
  'job_id',
]);

/**
 * A fresh registry for one service, with Node's runtime metrics (prom-client's default names:
 * `process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`, `nodejs_heap_size_used_bytes`, …) unless
 * `runtime` is false (unit specs).
 */
export function createMetricsRegistry(options: { runtime?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.runtime !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

function checkLabels(name: string, labelNames: readonly string[] | undefined): void {
  for (const label of labelNames ?? []) {
    if (FORBIDDEN_LABELS.has(label.toLowerCase())) {
      throw new Error(`metric ${name}: label "${label}" would expose tenant or token ids`);
    }
  }
}

/**
 * The counter named `config.name` in `registry`, created on first use: several parts of a service (two
 * Kafka consumers, say) share one series family. Refuses id-like label names (FORBIDDEN_LABELS).
 */
export function counterIn<T extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<T>, 'registers'>,
): Counter<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing !== undefined) return existing as Counter<T>;
  checkLabels(config.name, config.labelNames);
  return new Counter({ ...config, registers: [registry] });
}

/** As `counterIn`, for a gauge. */
export function gaugeIn<T extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<T>, 'registers'>,
): Gauge<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing !== undefined) return existing as Gauge<T>;
  checkLabels(config.name, config.labelNames);
  return new Gauge({ ...config, registers: [registry] });
}

/** As `counterIn`, for a histogram. */
export function histogramIn<T extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<T>, 'registers'>,
): Histogram<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing !== undefined) return existing as Histogram<T>;
  checkLabels(config.name, config.labelNames);
  return new Histogram({ ...config, registers: [registry] });
}

/**
 * Runs a scrape-time read (a database count, BullMQ's job counts) within `timeoutMs`. A read that fails
 * or takes longer is counted in `latchkey_metrics_collect_failures_total{collector}` (read alongside the
 * gauges, so it shows from the next scrape) and its gauges keep their last values: a slow dependency
 * never holds a scrape for longer than the bound.
 */
export async function collectWithin(
  registry: Registry,
  collector: string,
  timeoutMs: number,
  read: () => Promise<void>,
): Promise<void> {
  const failures = collectFailures(registry, collector);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${collector}: over ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch {
    failures.inc({ collector });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `latchkey_metrics_collect_failures_total{collector}`, started at zero for `collector`: call it when
 * registering a scrape-time read, so the series exists (and is scraped) before the first failure.
 */
export function collectFailures(registry: Registry, collector: string): Counter<'collector'> {
  const failures = counterIn(registry, {
    name: 'latchkey_metrics_collect_failures_total',
    help: 'Scrape-time reads (database counts, queue counts) that failed or ran past their timeout; their gauges kept their last values.',
    labelNames: ['collector'],
  });
  failures.inc({ collector }, 0);
  return failures;
}

/** Counts a Redis client's connection errors in `latchkey_redis_errors_total{connection}`. */
export function countRedisErrors(
  registry: Registry,
  client: { on(event: 'error', listener: (error: unknown) => void): unknown },
  connection: string,
): void {
  const errors = counterIn(registry, {
    name: 'latchkey_redis_errors_total',
    help: 'Redis connection and command errors, by connection.',
    labelNames: ['connection'],
  });
  const child = errors.labels(connection);
  errors.inc({ connection }, 0);
  client.on('error', () => child.inc());
}

/** Counts Postgres errors in `latchkey_postgres_errors_total{source}` (initialised at zero). */
export function postgresErrors(registry: Registry, source: string): { inc(): void } {
  const errors = counterIn(registry, {
    name: 'latchkey_postgres_errors_total',
    help: 'Postgres errors: failed queries and connections lost, by where they happened.',
    labelNames: ['source'],
  });
  errors.inc({ source }, 0);
  return errors.labels(source);
}

@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** Prometheus text exposition of the service's registry. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * `GET /metrics` and the service's registry (`METRICS_REGISTRY`), global so every feature module
 * registers its series there. Series never carry tenant, token, owner or job ids as labels.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: { registry?: Registry } = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [
        { provide: METRICS_REGISTRY, useFactory: () => options.registry ?? createMetricsRegistry() },
      ],
      controllers: [MetricsController],
      exports: [METRICS_REGISTRY],
    };
  }
}
