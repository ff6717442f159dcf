export * from './event-consumer';
export * from './event-publisher';
export * from './kafka';
export * from './hosted-event-consumer';
