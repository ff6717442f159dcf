import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { InjectRedis, REDIS, RedisModule } from './redis';

@Injectable()
class Feature {
  constructor(@InjectRedis() readonly redis: Redis) {}
}

@Module({ providers: [Feature] })
class FeatureModule {}

function fakeClient(status = 'ready') {
  return { status, quit: jest.fn(() => Promise.resolve('OK')), disconnect: jest.fn() };
}

async function start(client: ReturnType<typeof fakeClient>) {
  const moduleRef = await Test.createTestingModule({
    imports: [RedisModule.forRoot({ url: 'redis://127.0.0.1:1', connectionName: 'spec' }), FeatureModule],
  })
    .overrideProvider(REDIS)
    .useValue(client)
    .compile();
  return moduleRef.init();
}

describe('RedisModule', () => {
  it('gives every module the one shared client', async () => {
    const client = fakeClient();
    const app = await start(client);

    expect(app.get(Feature).redis).toBe(client);
    await app.close();
  });

  it('closes the client when the application shuts down', async () => {
    const client = fakeClient();
    const app = await start(client);

    await app.close();

    expect(client.quit).toHaveBeenCalledTimes(1);
  });

  it('drops the connection when a clean quit fails', async () => {
    const client = fakeClient();
    client.quit.mockRejectedValue(new Error('Connection is closed.'));
    const app = await start(client);

    await app.close();

    expect(client.disconnect).toHaveBeenCalledTimes(1);
  });

  it('leaves a client that has already ended alone', async () => {
    const client = fakeClient('end');
    const app = await start(client);

    await app.close();

    expect(client.quit).not.toHaveBeenCalled();
  });
});
