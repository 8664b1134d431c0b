// Test helpers for Comptoir: real processes, real sockets, real databases.
// The cuttable link lives in its own package (the demo ships it); the tests' one listens on a port of the file's range.
export { startFaultProxy } from './fault-proxy';
export type { FaultMode, FaultProxy, FaultProxyOptions, FaultProxyStats, FaultTarget } from '@comptoir/link-proxy';
export { fuzzHttp, fuzzRuns, routesOf, sendByInject, tablesFingerprint, type FuzzRequest, type FuzzRoute, type FuzzTarget, type FuzzStats } from './fuzz/http-fuzz';
export { freePort } from './ports';
export { holdPushSlot } from './held-push';
export { tempDir } from './tmp';
export type { TempDir } from './tmp';
export { onProcessExit } from './exit-hooks';
export { startPostgres, hasPostgres, onDialect, postgresOptedOut, postgresBinDir, postgresWithDumpTools, NO_POSTGRES_VAR, type PostgresServer } from './postgres';
export { assertAccessible, chromiumExecutable, launchChromium, readmeScreenshot, README_SCREENS_DIR, SYSTEM_CHROMIUM, type ChromiumExecutable } from './browser';
export { spawnNode, waitForHttp, type ChildHandle } from './process';
export { ensureWebBuilt } from './web-build';
export { COMPTOIR_BIN, spawnComptoir, runComptoir, startCentralProcess, startRegisterProcess, http, eventually, DEMO_MANAGER_AT_TILL, type CentralProcess, type RegisterProcess, type Credentials } from './comptoir';
export { endpointsOutsideDocument, type OpenApiDocument } from './openapi-endpoints';
export { promSample, scrapeMetrics } from './prometheus';
export { hasPdftotext, pdfText, PDFTOTEXT } from './pdf-text';
export { optOut, type OptOut } from './opt-out';
export { FAKETIME_LIB, NO_FAKETIME_VAR, fakeClock, onFaketime, type FakeClock } from './faketime';
export { runChaos, faultKindsUnavailable, FAULT_KINDS, type ChaosOptions, type ChaosReport, type FaultKind } from './chaos/chaos-run';
export { SeededRandom, randomSeed } from './chaos/seeded-random';
