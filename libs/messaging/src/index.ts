export * from './event-consumer';
export * from './event-publisher';
export * from './kafka';
