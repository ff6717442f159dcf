export * from './event-consumer';
export * from './event-publisher';
export * from './kafka';
export * from './kafka.module';
export * from './hosted-event-consumer';
export * from './kafka-settings';
export * from './consumer-metrics';
