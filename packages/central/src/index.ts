export { buildCentral, type CentralDeps, type DemoLinks } from './app';
export { startCentralServer, type StartCentralOptions, type DemoCredentials } from './server';
export type * from './db/schema';
export { CHANGE_COUNTER, DEFAULT_SOS_SCHEDULE } from './db/schema';
export { centralMigrations, migrateCentral } from './db/migrations';
export { seedDemo, type DemoSeedResult } from './seed/demo-seed';
export { demoProducts, isValidEan13, DEMO_STORE } from './seed/demo-catalog';
export { hashSecret, verifySecret } from './modules/auth/password';
export { verifyCentralChains } from './modules/sync/verify-chains';
