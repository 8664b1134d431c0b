export * from './errors';
export * from './common';
export * from './record';
export * from './sync';
export * from './central-api';
export * from './register-api';
export * from './checksum';
