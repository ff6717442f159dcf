import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createEvent, EVENT_SOURCES, EventType, type TokenUsedEvent } from '@latchkey/contracts';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { USAGE_EVENT_SINK, type UsageEventSink } from './usage-event-sink';

export const USAGE_EVENT_SOURCE = EVENT_SOURCES.verifier;

export type UsageSettings = Pick<VerifierConfig, 'USAGE_FLUSH_INTERVAL_MS' | 'VERIFIER_INSTANCE_ID'>;

interface PendingUsage {
  tenantId: string;
  count: number;
  /** Epoch milliseconds. */
  lastUsedAt: number;
}

/**
 * Counts successful verifications in memory and publishes one TokenUsed summary per token per flush
 * interval, so the hot path never waits for Kafka. A failed publish puts its counts back for the next
 * flush; a clean shutdown flushes once more, so no count is lost unless Kafka is down at that moment.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private pending = new Map<string, PendingUsage>();
  /** Events of a batch whose publish failed, to be sent again unchanged. */
  private unsent: TokenUsedEvent[] | null = null;
  private timer: NodeJS.Timeout | undefined;
  private prepared = false;
  /** Flushes run one after another; a timer tick is skipped while one is queued or running. */
  private flushes: Promise<void> = Promise.resolve();
  private flushesQueued = 0;

  constructor(
    @Inject(USAGE_EVENT_SINK) private readonly sink: UsageEventSink,
    @Inject(VERIFIER_CONFIG) private readonly settings: UsageSettings,
  ) {}

  record(tokenId: string, tenantId: string, at: Date): void {
    const entry = this.pending.get(tokenId);
    if (entry === undefined) {
      this.pending.set(tokenId, { tenantId, count: 1, lastUsedAt: at.getTime() });
      return;
    }
    entry.count += 1;
    entry.lastUsedAt = Math.max(entry.lastUsedAt, at.getTime());
  }

  /** Publishes everything recorded so far. Never rejects: what could not be published stays pending. */
  flush(): Promise<void> {
    this.flushesQueued += 1;
    const run = this.flushes
      .then(() => this.publishPending())
      .catch((error: unknown) => this.logger.error(`usage flush failed: ${messageOf(error)}`))
      .finally(() => {
        this.flushesQueued -= 1;
      });
    this.flushes = run;
    return run;
  }

  async onModuleInit(): Promise<void> {
    // Topics first, so no publish races their creation. A broker that is down must not stop verification:
    // the recorder keeps counting and prepares again before the next publish.
    await this.prepare();
    this.timer = setInterval(() => this.onTick(), this.settings.USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    const unpublished =
      [...this.pending.values()].reduce((sum, usage) => sum + usage.count, 0) +
      (this.unsent ?? []).reduce((sum, event) => sum + event.data.count, 0);
    if (unpublished > 0) {
      this.logger.error(`shutting down with ${unpublished} unpublished verification(s)`);
    }
    await this.sink
      .close()
      .catch((error: unknown) => this.logger.warn(`closing the usage sink: ${messageOf(error)}`));
  }

  private onTick(): void {
    if (this.flushesQueued > 0) return;
    void this.flush();
  }

  private async prepare(): Promise<boolean> {
    if (this.prepared) return true;
    try {
      await this.sink.prepare();
      this.prepared = true;
      return true;
    } catch (error) {
      this.logger.warn(`usage sink not ready, will retry before the next publish: ${messageOf(error)}`);
      return false;
    }
  }

  /**
   * A batch that failed is sent again as the very same events (the same ids) before anything newer: a
   * batch that reached some partitions and not others is then applied once, since the issuer applies
   * each event id once. Meanwhile new verifications are counted per token as usual, so memory stays
   * bounded by one batch plus one count per token.
   */
  private async publishPending(): Promise<void> {
    if (this.unsent === null && this.pending.size === 0) return;
    if (!(await this.prepare())) return;
    if (this.unsent !== null) {
      const unsent = this.unsent;
      try {
        await this.sink.publish(unsent);
        this.unsent = null;
      } catch (error) {
        this.logger.warn(
          `could not publish usage of ${unsent.length} token(s) again, retrying next flush: ${messageOf(error)}`,
        );
        return;
      }
    }
    if (this.pending.size === 0) return;
    const events = this.toEvents(this.pending);
    this.pending = new Map();
    try {
      await this.sink.publish(events);
      this.logger.debug(`published usage of ${events.length} token(s)`);
    } catch (error) {
      this.unsent = events;
      this.logger.warn(
        `could not publish usage of ${events.length} token(s), retrying next flush: ${messageOf(error)}`,
      );
    }
  }

  private toEvents(batch: ReadonlyMap<string, PendingUsage>): TokenUsedEvent[] {
    return [...batch].map(([tokenId, usage]) =>
      createEvent(EventType.TokenUsed, {
        source: USAGE_EVENT_SOURCE,
        subject: tokenId,
        tenantId: usage.tenantId,
        data: {
          tokenId,
          count: usage.count,
          lastUsedAt: new Date(usage.lastUsedAt).toISOString(),
          verifierInstance: this.settings.VERIFIER_INSTANCE_ID,
        },
      }),
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
