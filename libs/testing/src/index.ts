export * from './admin-jwt';
export * from './database';
export * from './free-port';
export * from './infrastructure';
export * from './wait-for';
