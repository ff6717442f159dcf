import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import Redis from 'ioredis';
import type { Registry } from 'prom-client';
import type { ReadinessCheck } from './health';
import { countRedisErrors, METRICS_REGISTRY } from './metrics';

export const REDIS = Symbol('REDIS');
/** Inject the shared ioredis client. */
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

export interface RedisClientOptions {
  /**
   * `request` (default): commands time out and give up after one retry, so a request path can fail fast
   * (or fall back) while Redis is away. `queue`: commands wait for Redis to come back, as BullMQ needs.
   */
  role?: 'request' | 'queue';
  commandTimeoutMs?: number;
}

export function createRedis(url: string, connectionName: string, options: RedisClientOptions = {}): Redis {
  const logger = new Logger('Redis');
  const failFast = (options.role ?? 'request') === 'request';
  const client = new Redis(url, {
    connectionName,
    maxRetriesPerRequest: failFast ? 1 : null,
    commandTimeout: failFast ? (options.commandTimeoutMs ?? 1_000) : undefined,
    connectTimeout: 2_000,
    enableReadyCheck: true,
    lazyConnect: false,
  });
  client.on('error', (error: unknown) =>
    logger.warn(`redis: ${error instanceof Error ? error.message : String(error)}`),
  );
  return client;
}

export function redisReadiness(client: Redis): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      const pong: string = await client.ping();
      if (pong !== 'PONG') throw new Error(`unexpected answer ${pong}`);
    },
  };
}

/** Closes the shared client after everything that uses it has shut down. */
@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly client: Redis,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    // Connection errors in `latchkey_redis_errors_total{connection="shared"}` when the service has metrics.
    if (registry !== undefined) countRedisErrors(registry, client, 'shared');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export interface RedisModuleOptions extends RedisClientOptions {
  url: string;
  /** Shown by `CLIENT LIST`, e.g. `latchkey-issuer`. */
  connectionName: string;
}

/** One Redis wiring for every service: the shared client (inject with `InjectRedis()`), closed last. */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions): DynamicModule {
    const { url, connectionName, ...clientOptions } = options;
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS, useFactory: () => createRedis(url, connectionName, clientOptions) },
        RedisLifecycle,
      ],
      exports: [REDIS],
    };
  }
}
