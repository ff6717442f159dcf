import type { EntityManager } from 'typeorm';
import type { LatchkeyEvent, Topic } from '@latchkey/contracts';
import { OutboxMessage } from './outbox-message.entity';

/** Records events in the caller's transaction; the relay publishes them after commit. */
export async function appendToOutbox(
  manager: EntityManager,
  topic: Topic,
  ...events: LatchkeyEvent[]
): Promise<void> {
  await manager.insert(
    OutboxMessage,
    events.map((event) => ({ eventId: event.id, topic, payload: event })),
  );
}
