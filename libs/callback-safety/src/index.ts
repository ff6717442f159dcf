export * from './callback-url';
export * from './forbidden-addresses';
export * from './pinned-lookup';
export * from './allow-list-setting';
