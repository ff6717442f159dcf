import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { LatchkeyEvent, Topic } from '@latchkey/contracts';

/**
 * An event waiting to be published. Written in the same transaction as the change it describes, so an
 * event exists if and only if the change committed; the relay publishes it, at least once, in id order.
 */
@Entity({ name: 'outbox_messages' })
@Index('outbox_messages_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Index('outbox_messages_event_id_key', { unique: true })
  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  topic!: Topic;

  @Column('jsonb')
  payload!: LatchkeyEvent;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;
}
