export * from './config';
export * from './health';
export * from './json-body';
export * from './json-logger';
export * from './problem-details';
export * from './process-warnings';
export * from './redis';
export * from './run-service';
