/**
 * Kafka is wired once for every service by `KafkaModule` (libs/messaging); import its tokens from
 * `@latchkey/messaging`. Kept only until the outbox relay imports them from there.
 */
export { EVENT_PUBLISHER, KAFKA } from '@latchkey/messaging';
