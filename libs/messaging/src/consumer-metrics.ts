import type { Registry } from 'prom-client';
import { counterIn, gaugeIn } from '@latchkey/service-runtime';
import type { DeadLetterCause, EventConsumerObserver } from './event-consumer';

/**
 * An `EventConsumerObserver` writing the consumer group's series into a service's registry:
 * - `latchkey_kafka_consumer_lag{group,topic,partition}`: messages behind the partition's end after the
 *   last batch the group processed there;
 * - `latchkey_kafka_consumer_messages_total{group,topic,outcome}`: `handled` or `retried`;
 * - `latchkey_kafka_dead_letters_total{group,topic,cause}`: `malformed`, `untrusted`, `handler-failed`.
 * The dead-letter series start at zero for the group's topics, so an alert on `increase()` sees the first.
 */
export function consumerMetrics(
  registry: Registry,
  group: string,
  topics: readonly string[],
): EventConsumerObserver {
  const lag = gaugeIn(registry, {
    name: 'latchkey_kafka_consumer_lag',
    help: 'Messages behind the end of the partition after the last batch this consumer group processed there.',
    labelNames: ['group', 'topic', 'partition'],
  });
  const messages = counterIn(registry, {
    name: 'latchkey_kafka_consumer_messages_total',
    help: 'Messages handled by the consumer group (outcome handled), or whose handler failed and will be retried (retried).',
    labelNames: ['group', 'topic', 'outcome'],
  });
  const deadLetters = counterIn(registry, {
    name: 'latchkey_kafka_dead_letters_total',
    help: 'Messages the consumer group sent to the dead-letter topic, by cause (malformed, untrusted, handler-failed).',
    labelNames: ['group', 'topic', 'cause'],
  });
  const causes: DeadLetterCause[] = ['malformed', 'untrusted', 'handler-failed'];
  for (const topic of topics) {
    for (const cause of causes) deadLetters.inc({ group, topic, cause }, 0);
    for (const outcome of ['handled', 'retried']) messages.inc({ group, topic, outcome }, 0);
  }
  return {
    lag: (topic, partition, behind) => lag.set({ group, topic, partition: String(partition) }, behind),
    handled: (topic, outcome) => messages.inc({ group, topic, outcome }),
    deadLettered: (topic, cause) => deadLetters.inc({ group, topic, cause }),
  };
}
