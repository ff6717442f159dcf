import { HealthService } from './health';

describe('HealthService readiness', () => {
  it('names each dependency up or down and never echoes its error text', async () => {
    const health = new HealthService([
      { name: 'postgres', check: () => Promise.resolve() },
      {
        name: 'redis',
        check: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379 user=latchkey')),
      },
    ]);

    const readiness = await health.readiness();

    expect(readiness).toEqual({ ready: false, checks: { postgres: 'up', redis: 'down' } });
    expect(JSON.stringify(readiness)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3/);
  });

  it('reports down once shutdown has begun', async () => {
    const health = new HealthService([{ name: 'redis', check: () => Promise.resolve() }]);
    health.beforeApplicationShutdown();

    expect(await health.readiness()).toEqual({ ready: false, checks: { redis: 'up', lifecycle: 'down' } });
  });
});
