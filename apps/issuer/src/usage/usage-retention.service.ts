import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import {
  GRANULARITIES,
  type Granularity,
  VerificationCountsRepository,
} from './verification-counts.repository';

export type UsageRetentionSettings = Pick<
  IssuerConfig,
  | 'USAGE_MINUTE_RETENTION_HOURS'
  | 'USAGE_HOUR_RETENTION_DAYS'
  | 'USAGE_DAY_RETENTION_DAYS'
  | 'USAGE_RETENTION_INTERVAL_MS'
>;

const PRUNE_BATCH = 5_000;

/**
 * The rollup's other half: counts are rolled up as they arrive (each summary is added to its minute, hour
 * and day at once, exact even for a summary that arrives late), and this job keeps each granularity only
 * as long as configured. Any number of issuer instances may run it: deletes take rows with SKIP LOCKED,
 * so two instances share the work and none waits on the other.
 */
@Injectable()
export class UsageRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRetention.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly counts: VerificationCountsRepository,
    @Inject(ISSUER_CONFIG) private readonly settings: UsageRetentionSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.settings.USAGE_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes every row past its granularity's retention; how many per granularity. */
  async prune(now = new Date()): Promise<Record<Granularity, number>> {
    const deleted = { minute: 0, hour: 0, day: 0 };
    for (const granularity of GRANULARITIES) {
      const before = new Date(now.getTime() - this.retentionMs(granularity));
      for (;;) {
        const batch = await this.counts.prune(granularity, before, PRUNE_BATCH);
        deleted[granularity] += batch;
        if (batch < PRUNE_BATCH) break;
      }
    }
    return deleted;
  }

  retentionMs(granularity: Granularity): number {
    switch (granularity) {
      case 'minute':
        return this.settings.USAGE_MINUTE_RETENTION_HOURS * 3_600_000;
      case 'hour':
        return this.settings.USAGE_HOUR_RETENTION_DAYS * 86_400_000;
      case 'day':
        return this.settings.USAGE_DAY_RETENTION_DAYS * 86_400_000;
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.prune()
      .then((deleted) => {
        const total = deleted.minute + deleted.hour + deleted.day;
        if (total > 0) this.logger.log(`pruned verification counts: ${JSON.stringify(deleted)}`);
      })
      .catch((error: unknown) =>
        this.logger.warn(
          `pruning verification counts: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
