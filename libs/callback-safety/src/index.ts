export * from './callback-url';
export * from './forbidden-addresses';
export * from './pinned-lookup';
