import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Events a consumer has applied, so a redelivered event changes nothing (idempotent consumption). */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn('text')
  consumer!: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('timestamptz', { name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
