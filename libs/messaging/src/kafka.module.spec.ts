import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './kafka';
import {
  EVENT_PUBLISHER,
  InjectKafka,
  KAFKA,
  KafkaModule,
  type KafkaModuleOptions,
  KafkaTopics,
} from './kafka.module';

jest.mock('./kafka', () => ({
  ...jest.requireActual<typeof import('./kafka')>('./kafka'),
  ensureTopics: jest.fn(),
}));

const ensure = jest.mocked(ensureTopics);

const options: KafkaModuleOptions = {
  brokers: ['127.0.0.1:1'],
  clientId: 'spec',
  topicPrefix: 'spec.',
};

/** A feature provider elsewhere in the app: it sees the global module's tokens without importing it. */
@Injectable()
class Feature {
  constructor(@InjectKafka() readonly kafka: Kafka) {}
}

@Module({ providers: [Feature] })
class FeatureModule {}

async function start(moduleOptions: KafkaModuleOptions) {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaModule.forRoot(moduleOptions), FeatureModule],
  }).compile();
  const publisher = moduleRef.get<EventPublisher>(EVENT_PUBLISHER);
  const disconnect = jest.spyOn(publisher, 'disconnect').mockResolvedValue();
  return { moduleRef, disconnect, app: await moduleRef.init() };
}

describe('KafkaModule', () => {
  beforeEach(() => {
    ensure.mockReset();
    ensure.mockResolvedValue();
  });

  it('gives every module the same client and a publisher for the topic prefix', async () => {
    const { moduleRef, app } = await start(options);

    expect(moduleRef.get(Feature).kafka).toBe(moduleRef.get(KAFKA));
    expect(moduleRef.get(KAFKA)).toBeInstanceOf(Kafka);
    expect(moduleRef.get(EVENT_PUBLISHER)).toBeInstanceOf(EventPublisher);
    await app.close();
  });

  it('creates the topics, under the prefix, before the application starts', async () => {
    const { moduleRef, app } = await start(options);

    expect(ensure).toHaveBeenCalledTimes(1);
    expect(ensure).toHaveBeenCalledWith(moduleRef.get(KAFKA), 'spec.');
    await app.close();
  });

  it('does not start when the topics cannot be created', async () => {
    ensure.mockRejectedValue(new Error('broker not reachable'));

    await expect(start(options)).rejects.toThrow('broker not reachable');
  });

  it('leaves topic creation to the first use when told to, and starts without the broker', async () => {
    const { app } = await start({ ...options, createTopics: 'on-first-use' });

    expect(ensure).not.toHaveBeenCalled();
    await app.close();
  });

  it('closes the shared producer when the application shuts down', async () => {
    const { app, disconnect } = await start(options);

    await app.close();

    expect(disconnect).toHaveBeenCalledTimes(1);
  });
});

describe('KafkaTopics', () => {
  const kafka = {} as Kafka;

  beforeEach(() => ensure.mockReset());

  it('creates the topics once however often it is asked', async () => {
    ensure.mockResolvedValue();
    const topics = new KafkaTopics(kafka, options);

    await Promise.all([topics.ensure(), topics.ensure()]);
    await topics.ensure();

    expect(ensure).toHaveBeenCalledTimes(1);
  });

  it('tries again after a failure', async () => {
    ensure.mockRejectedValueOnce(new Error('broker not reachable')).mockResolvedValue();
    const topics = new KafkaTopics(kafka, options);

    await expect(topics.ensure()).rejects.toThrow('broker not reachable');
    await topics.ensure();

    expect(ensure).toHaveBeenCalledTimes(2);
  });
});
