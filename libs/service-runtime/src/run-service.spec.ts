import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigError } from './config';
import { runService, type ServiceDefinition } from './run-service';

interface Config {
  port: number;
}

function fakeApp() {
  const calls: string[] = [];
  const app = {
    enableShutdownHooks: jest.fn((signals: string[], options: unknown) => {
      calls.push(`shutdown hooks ${signals.join(',')} ${JSON.stringify(options)}`);
    }),
    startAllMicroservices: jest.fn(() => {
      calls.push('microservices');
      return Promise.resolve();
    }),
    listen: jest.fn((port: number) => {
      calls.push(`listen ${port}`);
      return Promise.resolve();
    }),
    getUrl: jest.fn(() => Promise.resolve('http://127.0.0.1:4000')),
    getHttpServer: jest.fn(() => ({ on: jest.fn() })),
  };
  return { app: app as unknown as INestApplication, calls };
}

function fakeProcess() {
  return { exit: jest.fn<void, [number]>(), writeError: jest.fn<void, [string]>() };
}

function definition(overrides: Partial<ServiceDefinition<Config>> = {}): ServiceDefinition<Config> {
  return {
    name: 'issuer',
    loadConfig: () => ({ port: 4000 }),
    createApp: () => Promise.resolve(fakeApp().app),
    httpPort: (config) => config.port,
    ...overrides,
  };
}

describe('runService', () => {
  let logged: unknown[];

  beforeEach(() => {
    logged = [];
    Logger.overrideLogger({
      log: (message: unknown) => logged.push(message),
      error: () => undefined,
      warn: () => undefined,
    });
  });

  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  it('drains on SIGTERM and SIGINT, starts the microservices, then listens on the HTTP port', async () => {
    const { app, calls } = fakeApp();
    const host = fakeProcess();

    await expect(runService(definition({ createApp: () => Promise.resolve(app) }), host)).resolves.toBe(app);

    expect(calls).toEqual([
      'shutdown hooks SIGTERM,SIGINT {"useProcessExit":true}',
      'microservices',
      'listen 4000',
    ]);
    expect(host.exit).not.toHaveBeenCalled();
  });

  it('says where it listens, with the endpoints the service names', async () => {
    await runService(definition({ endpoints: () => ({ grpc: '0.0.0.0:50051' }) }), fakeProcess());

    expect(logged).toContainEqual({
      msg: 'issuer listening',
      http: 'http://127.0.0.1:4000',
      grpc: '0.0.0.0:50051',
    });
  });

  it('names every bad variable and exits 1 without building the app', async () => {
    const host = fakeProcess();
    const createApp = jest.fn();
    const loadConfig = () => {
      throw new ConfigError(['missing DATABASE_URL (PostgreSQL connection string)']);
    };

    await expect(runService(definition({ loadConfig, createApp }), host)).resolves.toBeUndefined();

    expect(createApp).not.toHaveBeenCalled();
    expect(host.writeError).toHaveBeenCalledWith(
      'issuer: Invalid configuration:\n  - missing DATABASE_URL (PostgreSQL connection string)\n',
    );
    expect(host.exit).toHaveBeenCalledWith(1);
  });

  it('reports a failure to start with its stack and exits 1', async () => {
    const host = fakeProcess();
    const createApp = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));

    await runService(definition({ name: 'worker', createApp }), host);

    expect(host.writeError).toHaveBeenCalledWith(
      expect.stringMatching(
        /^worker: failed to start: Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n\s+at /,
      ),
    );
    expect(host.exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when the port cannot be bound', async () => {
    const { app } = fakeApp();
    jest.mocked(app.listen).mockRejectedValue(new Error('listen EADDRINUSE'));
    const host = fakeProcess();

    await runService(definition({ createApp: () => Promise.resolve(app) }), host);

    expect(host.writeError).toHaveBeenCalledWith(
      expect.stringContaining('issuer: failed to start: Error: listen EADDRINUSE'),
    );
    expect(host.exit).toHaveBeenCalledWith(1);
  });
});
