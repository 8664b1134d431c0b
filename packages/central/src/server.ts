import { randomBytes } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openDatabase, privateDirectory, tightenFile } from '@comptoir/db';
import { buildCentral, type DemoLinks } from './app';
import type { AdmissionLimits } from './modules/sync/admission';
import { migrateCentral } from './db/migrations';
import type { CentralDb } from './db/schema';
import { DEMO_CASHIERS } from './seed/demo-catalog';
import { DEMO_ADMIN_USERNAME, DEMO_MANAGER, seedDemo } from './seed/demo-seed';

export interface StartCentralOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** postgres://… ; default: SQLite at `${dataDir}/central.sqlite`. */
  databaseUrl?: string;
  seed?: 'demo';
  logger: Logger | false;
  demoLinks?: DemoLinks;
  heartbeatIntervalMs?: number;
  /** Floor of a copy schedule in seconds (default 900). */
  minSosIntervalSeconds?: number;
  /** Lifetime of a one-time enrolment code in seconds (default 24 h). */
  enrolCodeTtlSeconds?: number;
  /** Bearer token of `GET /metrics`; with neither it nor `metricsAllow`, metrics are disabled. */
  metricsToken?: string;
  /** Addresses or CIDR blocks that may scrape `GET /metrics` without the token. */
  metricsAllow?: string[];
  /** Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For gives the client's address; default none. */
  trustProxy?: string[];
  /** Time a client has to send a whole request (default 30 s). */
  clientRequestTimeoutMs?: number;
  /** In-flight bounds of the push and copy paths (admission control). */
  admission?: Partial<AdmissionLimits>;
  /** `false`: no cheap liveness, every heartbeat reads and writes (CentralDeps.presence). */
  presence?: false;
}

export interface DemoCredentials {
  admin: { username: string; password: string };
  cashier: { login: string; pin: string };
  storeId: string;
  /** Extra (beyond the docs/architecture.md §8 fields): the demo manager's back-office login. */
  manager?: { username: string; password: string };
}

/** Phases: open the database, migrate, seed if asked (idempotent), listen. */
export async function startCentralServer(opts: StartCentralOptions): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  privateDirectory(opts.dataDir);
  const opened = openDatabase<CentralDb>(opts.databaseUrl ?? join(opts.dataDir, 'central.sqlite'));
  try {
    await migrateCentral(opened.db, opened.dialect);
    if (opts.seed === 'demo') await seedDemoWithCredentials(opened.db, opts.dataDir);
  } catch (e) {
    await opened.close();
    throw e;
  }
  const app = buildCentral({
    db: opened.db,
    dialect: opened.dialect,
    ...(opened.dataVersion ? { dataVersion: opened.dataVersion } : {}),
    logger: opts.logger,
    ...(opts.demoLinks ? { demoLinks: opts.demoLinks } : {}),
    ...(opts.heartbeatIntervalMs ? { heartbeatIntervalMs: opts.heartbeatIntervalMs } : {}),
    ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
    ...(opts.metricsAllow?.length ? { metricsAllow: opts.metricsAllow } : {}),
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
    ...(opts.minSosIntervalSeconds !== undefined ? { minSosIntervalSeconds: opts.minSosIntervalSeconds } : {}),
    ...(opts.clientRequestTimeoutMs ? { clientRequestTimeoutMs: opts.clientRequestTimeoutMs } : {}),
    ...(opts.admission ? { admission: opts.admission } : {}),
    ...(opts.presence === false ? { presence: false as const } : {}),
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    ...(opts.enrolCodeTtlSeconds !== undefined ? { enrolCodeTtlSeconds: opts.enrolCodeTtlSeconds } : {}),
  });
  try {
    await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  } catch (e) {
    await app.close();
    await opened.close();
    throw e;
  }
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  const address = app.server.address();
  const port = address && typeof address !== 'string' ? address.port : opts.port;
  if (opts.logger) opts.logger.info({ database: opened.description, port }, 'central server listening');
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await opened.close();
    },
  };
}

/**
 * Seeds the demo shop and keeps `${dataDir}/credentials.json` true: the admin password is generated
 * at the first seed and kept in that file; if the file was lost, a new password is set and written.
 */
async function seedDemoWithCredentials(db: Parameters<typeof seedDemo>[0], dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'credentials.json');
  tightenFile(file);
  let previous: DemoCredentials | null = null;
  try {
    previous = JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch {
    previous = null;
  }
  const adminPassword = previous?.admin?.password ?? randomBytes(12).toString('base64url');
  const managerPassword = previous?.manager?.password ?? randomBytes(12).toString('base64url');
  const { storeId } = await seedDemo(db, { adminPassword, managerPassword, resetAdminPassword: previous === null });
  const credentials: DemoCredentials = {
    admin: { username: DEMO_ADMIN_USERNAME, password: adminPassword },
    cashier: { login: DEMO_CASHIERS[0]!.login, pin: DEMO_CASHIERS[0]!.pin },
    storeId,
    manager: { username: DEMO_MANAGER.username, password: managerPassword },
  };
  if (previous === null || JSON.stringify(previous) !== JSON.stringify(credentials)) {
    const tmp = `${file}.tmp`;
    await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  }
  return credentials;
}
