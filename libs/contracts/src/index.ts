export * from './events';
export * from './internal-api';
export * from './permissions';
export * from './token-state';
export * from './topics';
export * from './verification';
export * from './renewals';
export * from './topic-of';
