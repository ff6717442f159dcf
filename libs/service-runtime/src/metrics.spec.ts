import { EventEmitter } from 'node:events';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { register as globalRegistry, Registry } from 'prom-client';
import {
  collectFailures,
  collectWithin,
  counterIn,
  countRedisErrors,
  createMetricsRegistry,
  gaugeIn,
  MetricsModule,
  METRICS_REGISTRY,
  postgresErrors,
} from './metrics';

describe('service metrics', () => {
  it('gives each service its own registry, with Node runtime metrics, and leaves the global one alone', async () => {
    const before = (await globalRegistry.getMetricsAsJSON()).length;
    const one = createMetricsRegistry();
    const two = createMetricsRegistry();
    counterIn(one, { name: 'latchkey_spec_total', help: 'Spec.' }).inc();
    expect(await one.metrics()).toMatch(/^latchkey_spec_total 1$/m);
    expect(await two.metrics()).not.toMatch(/latchkey_spec_total/);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(await two.metrics()).toContain(`# TYPE ${name}`);
    }
    expect(await createMetricsRegistry({ runtime: false }).metrics()).toBe('\n');
    expect((await globalRegistry.getMetricsAsJSON()).length).toBe(before);
  });

  it('shares one series family between the parts of a service that ask for it by name', () => {
    const registry = new Registry();
    const a = counterIn(registry, { name: 'latchkey_shared_total', help: 'Shared.', labelNames: ['x'] });
    const b = counterIn(registry, { name: 'latchkey_shared_total', help: 'Shared.', labelNames: ['x'] });
    expect(b).toBe(a);
    expect(gaugeIn(registry, { name: 'latchkey_g', help: 'G.' })).toBe(
      gaugeIn(registry, { name: 'latchkey_g', help: 'G.' }),
    );
  });

  it.each(['tenantId', 'tenant_id', 'token', 'tokenId', 'owner_id', 'email', 'jobId'])(
    'refuses %s as a label: ids would be unbounded and tell who uses the platform',
    (label) => {
      expect(() =>
        counterIn(new Registry(), { name: 'latchkey_bad_total', help: 'Bad.', labelNames: [label] }),
      ).toThrow(/would expose tenant or token ids/);
    },
  );

  it('bounds a scrape-time read: a slow or failing one is counted and the scrape goes on', async () => {
    const registry = new Registry();
    collectFailures(registry, 'fine');
    const started = Date.now();
    await collectWithin(registry, 'slow', 50, () => new Promise(() => undefined));
    expect(Date.now() - started).toBeLessThan(1_000);
    await collectWithin(registry, 'broken', 50, () => Promise.reject(new Error('down')));
    let ran = false;
    await collectWithin(registry, 'fine', 50, () => {
      ran = true;
      return Promise.resolve();
    });
    expect(ran).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/^latchkey_metrics_collect_failures_total\{collector="slow"\} 1$/m);
    expect(text).toMatch(/^latchkey_metrics_collect_failures_total\{collector="broken"\} 1$/m);
    expect(text).toMatch(/^latchkey_metrics_collect_failures_total\{collector="fine"\} 0$/m);
  });

  it('counts Redis connection errors and Postgres errors, from zero', async () => {
    const registry = new Registry();
    const client = new EventEmitter();
    countRedisErrors(registry, client, 'queues');
    expect(await registry.metrics()).toMatch(/^latchkey_redis_errors_total\{connection="queues"\} 0$/m);
    client.emit('error', new Error('ECONNREFUSED'));
    client.emit('error', new Error('ECONNREFUSED'));
    const pg = postgresErrors(registry, 'outbox');
    pg.inc();
    const text = await registry.metrics();
    expect(text).toMatch(/^latchkey_redis_errors_total\{connection="queues"\} 2$/m);
    expect(text).toMatch(/^latchkey_postgres_errors_total\{source="outbox"\} 1$/m);
  });

  it('serves GET /metrics as Prometheus text from the module’s registry', async () => {
    const registry = createMetricsRegistry({ runtime: false });
    counterIn(registry, { name: 'latchkey_served_total', help: 'Served.' }).inc(3);
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forRoot({ registry })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(app.get(METRICS_REGISTRY)).toBe(registry);
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain;/);
      expect(response.headers['content-type']).toContain('version=0.0.4');
      expect(response.text).toContain('# TYPE latchkey_served_total counter\nlatchkey_served_total 3\n');
    } finally {
      await app.close();
    }
  });
});
