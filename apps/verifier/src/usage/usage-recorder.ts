import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  createEvent,
  EVENT_SOURCES,
  EventType,
  type TokenUsedEvent,
  type TokenVerificationsCountedEvent,
  VERIFICATION_COUNT_MAX_CELLS,
} from '@latchkey/contracts';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { USAGE_EVENT_SINK, type UsageEventSink } from './usage-event-sink';
import { cellsOf, newTally, tallyVerdict, type TokenTally, verdictsIn } from './verdict-tally';

export const USAGE_EVENT_SOURCE = EVENT_SOURCES.verifier;

export type UsageSettings = Pick<VerifierConfig, 'USAGE_FLUSH_INTERVAL_MS' | 'VERIFIER_INSTANCE_ID'> &
  Partial<Pick<VerifierConfig, 'VERIFICATION_ANALYTICS' | 'VERIFICATION_ANALYTICS_MAX_CALLERS'>>;

export type UsageEvent = TokenUsedEvent | TokenVerificationsCountedEvent;

/**
 * Counts verdicts in memory and publishes, once per flush interval, one TokenUsed summary per token
 * used successfully and one TokenVerificationsCounted summary per token with any verdict (per minute,
 * reason and caller), so the hot path never waits for Kafka. A failed publish is sent again as the same
 * events; a clean shutdown flushes once more, so no count is lost unless Kafka is down at that moment.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private pending = new Map<string, TokenTally>();
  /** Events of a batch whose publish failed, to be sent again unchanged. */
  private unsent: UsageEvent[] | null = null;
  private timer: NodeJS.Timeout | undefined;
  private prepared = false;
  /** Flushes run one after another; a timer tick is skipped while one is queued or running. */
  private flushes: Promise<void> = Promise.resolve();
  private flushesQueued = 0;
  private readonly analytics: boolean;
  private readonly maxCallers: number;
  /**
   * Names this process's batches: with the batch number and the token it makes each event's id, so a
   * batch built once has the same ids however often it is sent, and no other process's ids collide.
   */
  private readonly run = randomUUID();
  private batches = 0;

  constructor(
    @Inject(USAGE_EVENT_SINK) private readonly sink: UsageEventSink,
    @Inject(VERIFIER_CONFIG) private readonly settings: UsageSettings,
  ) {
    this.analytics = settings.VERIFICATION_ANALYTICS ?? true;
    this.maxCallers = settings.VERIFICATION_ANALYTICS_MAX_CALLERS ?? DEFAULT_MAX_CALLERS;
  }

  /**
   * Counts one verdict on a known token (OK or a refusal), at `at`, for the caller that named itself.
   * An in-memory increment: no I/O, no allocation once the token and caller were seen this minute.
   */
  record(tokenId: string, tenantId: string, at: Date, reason: string, caller?: string): void {
    let tally = this.pending.get(tokenId);
    if (tally === undefined) {
      tally = newTally(tenantId);
      this.pending.set(tokenId, tally);
    }
    tallyVerdict(tally, at.getTime(), reason, caller, this.analytics, this.maxCallers);
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
      [...this.pending.values()].reduce((sum, tally) => sum + verdictsIn(tally), 0) +
      (this.unsent ?? []).reduce((sum, event) => sum + this.verdictsOf(event), 0);
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
   * bounded by one batch plus one tally per token.
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
    const batch = this.pending;
    this.pending = new Map();
    const events = this.toEvents(batch);
    if (events.length === 0) return;
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

  /** Verdicts a summary counts: the verdict cells, or TokenUsed's count when analytics are off. */
  private verdictsOf(event: UsageEvent): number {
    if (event.type === EventType.TokenVerificationsCounted) {
      return event.data.counts.reduce((sum, cell) => sum + cell.count, 0);
    }
    return this.analytics ? 0 : event.data.count;
  }

  private toEvents(batch: ReadonlyMap<string, TokenTally>): UsageEvent[] {
    this.batches += 1;
    const batchKey = `${this.settings.VERIFIER_INSTANCE_ID}/${this.run}/${this.batches}`;
    const verifierInstance = this.settings.VERIFIER_INSTANCE_ID;
    const events: UsageEvent[] = [];
    for (const [tokenId, tally] of batch) {
      const envelope = { source: USAGE_EVENT_SOURCE, subject: tokenId, tenantId: tally.tenantId };
      if (tally.okCount > 0) {
        events.push(
          createEvent(EventType.TokenUsed, {
            ...envelope,
            id: eventIdOf(batchKey, 'used', tokenId, 0),
            data: {
              tokenId,
              count: tally.okCount,
              lastUsedAt: new Date(tally.lastOkAt).toISOString(),
              verifierInstance,
            },
          }),
        );
      }
      const cells = cellsOf(tally);
      for (let part = 0; part * VERIFICATION_COUNT_MAX_CELLS < cells.length; part += 1) {
        const counts = cells.slice(
          part * VERIFICATION_COUNT_MAX_CELLS,
          (part + 1) * VERIFICATION_COUNT_MAX_CELLS,
        );
        events.push(
          createEvent(EventType.TokenVerificationsCounted, {
            ...envelope,
            id: eventIdOf(batchKey, 'verdicts', tokenId, part),
            data: { tokenId, verifierInstance, counts },
          }),
        );
      }
    }
    return events;
  }
}

/** Reasonable for services calling one token: more names than this in one minute count as `(other)`. */
export const DEFAULT_MAX_CALLERS = 20;

/**
 * A UUID (version 8, RFC 9562: name-based, SHA-256) derived from the batch, the summary kind, the token
 * and the part: the same batch always yields the same ids.
 */
export function eventIdOf(batchKey: string, kind: string, tokenId: string, part: number): string {
  const hash = createHash('sha256').update(`${batchKey}\u0000${kind}\u0000${tokenId}\u0000${part}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
