export * from './callback-signing';
