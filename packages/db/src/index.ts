export * from './sqlite';
export * from './postgres';
export * from './database';
export * from './migrate';
export * from './private-files';
