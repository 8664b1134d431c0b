// Browser-safe: nothing here imports a Node built-in (checked by test/browser-safe.unit.test.ts);
// what needs one is exported from `@comptoir/protocol/node`.
export * from './errors';
export * from './common';
export * from './record';
export * from './event-codes';
export * from './sync';
export * from './central-api';
export * from './register-api';
export * from './sos-copy';
export * from './cashier-api';
export * from './backoffice-api';
export * from './stock-count-api';
export * from './accounting-api';
export * from './versions';
export * from './api-client';
export * from './register-endpoints';
export * from './central-endpoints';
export * from './peer-api';
