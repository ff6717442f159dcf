import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  type InjectionToken,
  Module,
  type OnApplicationShutdown,
  type DynamicModule,
  Logger,
  type Provider,
} from '@nestjs/common';
import { DomainError } from './problem-details';

/** Something a service needs in order to do its work: a database, a cache, a broker. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
  /** Releases what the check holds (e.g. an admin connection); called on shutdown. */
  close?(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Readiness');
  private shuttingDown = false;

  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Shutdown has begun: stop advertising readiness before the service drains. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.checks.map((c) => (c.close ? c.close().catch(() => undefined) : Promise.resolve())),
    );
  }

  /** Each dependency by name, `up` or `down`; why one is down is logged, never answered. */
  async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), CHECK_TIMEOUT_MS);
          return [c.name, 'up'] as const;
        } catch (error) {
          // The reason goes to the log only: /ready is unauthenticated, and error text names hosts and users.
          this.logger.warn(`${c.name} is down: ${(error as Error).message}`);
          return [c.name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (this.shuttingDown) checks.lifecycle = 'down';
    return { ready: Object.values(checks).every((v) => v === 'up'), checks };
  }
}

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process is up and its event loop turns. */
  @Get('health')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency answers. 503 with the failing checks otherwise. */
  @Get('ready')
  async ready(): Promise<{ status: 'ready'; checks: Record<string, string> }> {
    const { ready, checks } = await this.health.readiness();
    if (!ready) throw new DomainError('NOT_READY', 503, 'A dependency is not available.', { checks });
    return { status: 'ready', checks };
  }
}

export interface HealthModuleOptions {
  imports?: DynamicModule['imports'];
  inject?: InjectionToken[];
  /** Builds the service's readiness checks from its own providers (data source, Redis client, Kafka admin…). */
  useFactory: (...deps: never[]) => ReadinessCheck[];
}

/** GET /health (liveness) and GET /ready (dependencies), the same in every service. */
@Module({})
export class HealthModule {
  static forRootAsync(options: HealthModuleOptions): DynamicModule {
    const checksProvider: Provider = {
      provide: READINESS_CHECKS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    };
    return {
      module: HealthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [checksProvider, HealthService],
      controllers: [HealthController],
      exports: [HealthService],
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
