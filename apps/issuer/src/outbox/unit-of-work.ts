import { Injectable } from '@nestjs/common';
import {
  EVENT_SOURCES,
  createEvent,
  type EventDataByType,
  type EventType,
  type LatchkeyEvent,
  type Topic,
  TOPIC_OF,
} from '@latchkey/contracts';
import { activeTraceContext } from '@latchkey/service-runtime';
import { type TransactionOptions, TransactionRunner } from '../database/transaction';
import {
  type CacheWriteTx,
  VerifierCacheWriter,
  withCacheOutageFallback,
} from '../infrastructure/verifier-cache';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

/** Every event the issuer writes names it as its source. */
export const EVENT_SOURCE = EVENT_SOURCES.issuer;

/** What an event says: the rest of the envelope (id, source, topic, version) is the unit of work's. */
export interface EventFields<T extends EventType> {
  subject: string;
  tenantId: string;
  data: EventDataByType[T];
  time?: Date;
}

/**
 * A change in progress: the transaction (for repositories), the events it announces, and what must
 * happen before it commits.
 */
export interface UnitOfWorkTx extends CacheWriteTx {
  /** Announces an event; it is written to the outbox in this transaction, so it exists iff the change does. */
  emit<T extends EventType>(type: T, fields: EventFields<T>): void;
  /**
   * Runs `step` after the work and its events are written, before commit; if it throws, nothing is
   * committed. For the verifiers' cache: a stricter state is visible everywhere before the change returns.
   */
  beforeCommit(step: () => Promise<void>): void;
}

/**
 * The issuer's one way to change state: the change, its outbox events and the verifiers' cache write in
 * one transaction, then the relay woken after commit. Nothing else appends outbox rows or wakes the relay.
 *
 * When the verifiers' cache cannot be reached, the whole change is undone and run once more in outage
 * mode (`cacheUnreachable`): its cache step bumps the cache epoch instead, and the call returns only once
 * one lease has passed after the commit, by when every verifier has stopped trusting what it held.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly verifierCache: VerifierCacheWriter,
  ) {}

  run<T>(work: (tx: UnitOfWorkTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return withCacheOutageFallback(
      (cacheUnreachable) => this.attempt(work, options, cacheUnreachable),
      () => this.verifierCache.outlastLeases(),
    );
  }

  private async attempt<T>(
    work: (tx: UnitOfWorkTx) => Promise<T>,
    options: TransactionOptions,
    cacheUnreachable: boolean,
  ): Promise<T> {
    let emitted = 0;
    const result = await this.transactions.run(async (base) => {
      const events: { topic: Topic; event: LatchkeyEvent }[] = [];
      const steps: (() => Promise<void>)[] = [];
      // The change's trace context goes into its outbox rows: publishing them and what consumers do
      // with them join this trace (nothing when tracing is off).
      const trace = activeTraceContext();
      const tx: UnitOfWorkTx = Object.assign(base, {
        cacheUnreachable,
        emit<E extends EventType>(type: E, fields: EventFields<E>): void {
          events.push({
            topic: TOPIC_OF[type],
            event: { ...createEvent(type, { source: EVENT_SOURCE, ...fields }), ...trace } as LatchkeyEvent,
          });
        },
        beforeCommit(step: () => Promise<void>): void {
          steps.push(step);
        },
      });
      const value = await work(tx);
      await this.outbox.append(base, events);
      for (const step of steps) await step();
      emitted = events.length;
      return value;
    }, options);
    if (emitted > 0) this.relay.nudge();
    return result;
  }
}
