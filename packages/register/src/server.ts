import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { migrateToLatest, openSqliteFile, privateDirectory, sqliteKysely } from '@comptoir/db';
import { ComptoirError, type RegisterStatus } from '@comptoir/protocol';
import { buildRegister } from './app';
import { writeEvent } from './chain/record-chain';
import { selfCheckChains } from './chain/verify-chains';
import { REGISTER_SOFTWARE } from './software-version';
import { createContext, type RegisterContext } from './context';
import { startCheckpointer } from './db/checkpointer';
import { attachReceiptPrinter } from './receipts/receipt-printer';
import { registerMigrations } from './db/migrations';
import type { RegisterDatabase } from './db/schema';
import { loadIdentity } from './sync/enrolment.service';
import { SYSTEM_CASHIER, withDaysClosed } from './closures/closure.service';
import { RegisterAgent } from './sync/register-agent';

export interface RegisterAgentOptions {
  dataDir: string;
  port: number;
  host?: string;
  centralUrl: string;
  enrolCode?: string;
  logger: Logger;
  heartbeatIntervalMs?: number;
  requestTimeoutMs?: number;
  failuresBeforeAutonomous?: number;
  /** The URL central uses to reach this register's API (prepare-outage); default: the listen URL. */
  advertiseUrl?: string;
  /** Subscribe to central's change events (push hint); default true. */
  changeEvents?: boolean;
  /** ESC/POS network receipt printer, `tcp://HOST:PORT`; default none (receipts stay reprintable). */
  printer?: string;
  /** The private signing key's file (0600); default `${dataDir}/signing-key.pem`. Never inside the database. */
  keyFile?: string;
  /** The register's clock (dates of records, business dates of closures); default the system clock. */
  clock?: () => Date;
  /** Bearer token of `GET /metrics`; undefined = metrics disabled. */
  metricsToken?: string;
  /** Time a client of the register's API has to send a whole request (default 30 s). */
  clientRequestTimeoutMs?: number;
  /** Sync protocol spoken; default the current one (lower only to test a fleet in the middle of a rollout). */
  protocolVersion?: number;
}

export interface RunningRegister {
  url: string;
  app: FastifyInstance;
  /** The services' context (e.g. to call createSale without HTTP in a benchmark). */
  ctx: RegisterContext;
  agent: RegisterAgent;
  close(): Promise<void>;
  status(): RegisterStatus;
}

/**
 * Starts a register agent. Phases: open `${dataDir}/register.sqlite` (WAL, synchronous=FULL) and
 * migrate → load identity (or enrol with `enrolCode` and make the first full copy) → `register_start`
 * event → automatic Z of every business day left open and closure of every period over → link monitor's first heartbeat (≤ requestTimeoutMs; decides connected/autonomous) and
 * outbox push of anything left from a previous run → listen.
 * close(): stop listening → stop the link → `register_stop` event → close the database.
 */
export async function startRegisterAgent(opts: RegisterAgentOptions): Promise<RunningRegister> {
  privateDirectory(opts.dataDir);
  const file = join(opts.dataDir, 'register.sqlite');
  const sqlite = openSqliteFile(file);
  // Page cache of the agent's connection: 4 MB instead of better-sqlite3's 16 MB default. A sale reads
  // a handful of B-tree pages (the OS page cache holds the rest of the file), and a full copy writes
  // batches of 1000 rows, each committed: 16 MB only bought resident memory on a till.
  sqlite.pragma('cache_size = -4000');
  const db = sqliteKysely<RegisterDatabase>(sqlite);
  const checkpointer = startCheckpointer(sqlite, file);
  const logger = opts.logger;
  let agent: RegisterAgent | null = null;
  try {
    await migrateToLatest(db, registerMigrations);
    const ctx = createContext({ db, sqlite, logger, keyFile: opts.keyFile ?? join(opts.dataDir, 'signing-key.pem') });
    if (opts.clock) ctx.now = opts.clock;
    ctx.identity = loadIdentity(ctx);
    if (opts.printer) attachReceiptPrinter(ctx, opts.printer);
    const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1000;
    agent = new RegisterAgent(ctx, {
      centralUrl: opts.centralUrl,
      heartbeatIntervalMs,
      requestTimeoutMs: opts.requestTimeoutMs ?? Math.min(800, heartbeatIntervalMs),
      failuresBeforeAutonomous: opts.failuresBeforeAutonomous ?? 2,
      ...(opts.changeEvents !== undefined ? { changeEvents: opts.changeEvents } : {}),
      ...(opts.protocolVersion !== undefined ? { protocolVersion: opts.protocolVersion } : {}),
    });
    await agent.enrolIfNeeded(opts.enrolCode);
    if (ctx.identity) {
      writeEvent(ctx, 'register_start', { pid: process.pid, software: REGISTER_SOFTWARE.name, softwareVersion: REGISTER_SOFTWARE.version });
      selfCheckChains(ctx);
    }
    if (ctx.identity) closeDaysLeftOpen(ctx);
    await agent.start();

    const app = buildRegister({
      ctx,
      agent,
      logger,
      ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
      ...(opts.clientRequestTimeoutMs ? { clientRequestTimeoutMs: opts.clientRequestTimeoutMs } : {}),
    });
    await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = address && typeof address !== 'string' ? address.port : opts.port;
    const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
    agent.advertisedUrl = opts.advertiseUrl ?? url;
    logger.info({ url, registerId: ctx.identity?.registerId ?? null, mode: ctx.mode() }, 'register agent started');

    const running = agent;
    let closing: Promise<void> | null = null;
    return {
      url,
      app,
      ctx,
      agent: running,
      status: () => running.status(),
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await running.stop();
          if (ctx.identity) writeEvent(ctx, 'register_stop', {});
          await checkpointer.stop();
          await db.destroy();
        })()),
    };
  } catch (e) {
    await agent?.stop().catch(() => {});
    await checkpointer.stop();
    await db.destroy().catch(() => {});
    throw e;
  }
}

/** Nothing stays open: at start, the business days and periods left open are closed (automatic Zs). */
function closeDaysLeftOpen(ctx: RegisterContext): void {
  try {
    withDaysClosed(ctx, SYSTEM_CASHIER, () => {});
    ctx.recordsAppended();
  } catch (e) {
    // No store in the copy yet (enrolled, first copy failed): the first sale or Z closes them.
    if (e instanceof ComptoirError && e.code === 'NOT_FOUND') return;
    throw e;
  }
}
