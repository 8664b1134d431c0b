import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DialectName } from '@comptoir/db';
import type { Ctx } from './context';
import type { CentralDb } from './db/schema';
import { clientLimits, frameworkErrors, installHttpContract } from '@comptoir/http';
import type { RouteDeps } from './routes';
import { installAuthGuard } from './modules/auth/auth.guard';
import { scopeOf } from './modules/stores/store-scope';
import { authRoutes } from './modules/auth/auth.routes';
import { backofficeRoutes } from './modules/backoffice/backoffice.routes';
import { productRoutes } from './modules/catalog/product.routes';
import { customerRoutes } from './modules/customers/customer.routes';
import { demoRoutes } from './modules/demo/demo.routes';
import { registerRoutes } from './modules/registers/register.routes';
import { DEFAULT_ENROL_CODE_TTL_SECONDS, DEFAULT_MIN_SOS_INTERVAL_SECONDS } from './modules/registers/register.service';
import { stockRoutes } from './modules/stock/stock.routes';
import { syncRoutes } from './modules/sync/sync.routes';
import { storeReturnRoutes } from './modules/returns/store-return.routes';
import { tillCustomerRoutes } from './modules/customers/till-customer.routes';
import { storedValueRoutes } from './modules/credit-notes/stored-value.routes';
import { installProtocolGate } from './modules/sync/protocol-gate';
import { FleetPresence, type PresenceOptions } from './modules/fleet/presence';
import { AdmissionGate, DEFAULT_ADMISSION, type AdmissionLimits } from './modules/sync/admission';
import { sosRoutes } from './modules/sos/sos.routes';
import { healthRoutes } from './modules/system/health.routes';
import { centralMetrics } from './modules/system/central-metrics.service';
import { installMetrics, metricsRoute } from '@comptoir/metrics';
import { METRICS_ROUTE_SCHEMA, metricsAccess } from './modules/system/metrics-access';
import { tamperRoutes } from './modules/tamper/tamper.routes';
import { closureRoutes } from './modules/closures/closure.routes';
import { eventJournalRoutes } from './modules/events/event-journal.routes';
import { archiveRoutes } from './modules/archives/archive.routes';
import { accountingRoutes } from './modules/accounting/accounting.routes';
import { ticketRoutes } from './modules/tickets/ticket.routes';
import { userRoutes } from './modules/users/user.routes';
import { MonthPartitions } from './db/month-partitions';
import { partitionRoutes } from './modules/partitions/partition.routes';

import type { DemoLinks } from './modules/demo/demo-links';
export type { DemoLinks };

export interface CentralDeps {
  db: Kysely<CentralDb>;
  dialect: DialectName;
  /** A pino logger, or false for silence (the default). */
  logger?: Logger | false;
  clock?: () => Date;
  heartbeatIntervalMs?: number;
  /** Floor of a copy schedule in seconds (default 900: every 15 minutes at most). */
  minSosIntervalSeconds?: number;
  /** Lifetime of a one-time enrolment code in seconds (default 24 h). */
  enrolCodeTtlSeconds?: number;
  demoLinks?: DemoLinks;
  /** Built back office (default: packages/backoffice-web/dist). */
  backofficeDir?: string;
  /** Recent documents per customer in the SOS copy (default 10). */
  sosDocumentsPerCustomer?: number;
  /** Bearer token of `GET /metrics` (Prometheus); with neither it nor `metricsAllow`, metrics are disabled. */
  metricsToken?: string;
  /** Addresses or CIDR blocks that may scrape `GET /metrics` without the token (modules/system/metrics-access.ts). */
  metricsAllow?: string[];
  /**
   * Reverse proxies (addresses or CIDR blocks) in front of central: from them, the client's address
   * is X-Forwarded-For's (login throttling, advertisedUrl, --metrics-allow). Default none: the
   * socket's peer, and X-Forwarded-For is ignored.
   */
  trustProxy?: string[];
  /** Time a client has to send a whole request, headers and body (default 30 s; @comptoir/http clientLimits). */
  clientRequestTimeoutMs?: number;
  /** In-flight bounds of the push and copy paths (admission control; defaults DEFAULT_ADMISSION). */
  admission?: Partial<AdmissionLimits>;
  /** The PostgreSQL URL: change hints through LISTEN/NOTIFY (without it, the counter is polled). */
  databaseUrl?: string;
  /**
   * Cheap liveness (modules/fleet/presence.ts): tokens, heartbeat states and heads remembered,
   * last-seen times written in batches. `false`: every heartbeat reads and writes the database
   * (the behaviour before issue 13, kept as the benchmark's baseline).
   */
  presence?: Omit<PresenceOptions, 'listenUrl' | 'dataVersion'> | false;
  /** SQLite: the connection's data_version (OpenedDatabase.dataVersion): lets the presence remember register tokens safely. */
  dataVersion?: () => number;
}

function admissionGates(limits: AdmissionLimits): RouteDeps['admission'] {
  return {
    push: new AdmissionGate('push', limits.pushes, limits.retryAfterSeconds),
    copy: new AdmissionGate('copy', limits.copies, limits.retryAfterSeconds),
  };
}

/** Builds the central server (not listening): routes → services → repositories, one HTTP contract (@comptoir/http). */
export function buildCentral(deps: CentralDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger ? deps.logger : undefined,
    logger: deps.logger ? undefined : false,
    // 64 KB bodies, slow clients cut; the sync push and the catalog import set their own limit.
    ...clientLimits(deps.clientRequestTimeoutMs),
    frameworkErrors,
    // Per-request logs would drown the ingest (thousands of pushes); errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy?.length ? deps.trustProxy : false,
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  const clock = deps.clock ?? (() => new Date());
  const presence =
    deps.presence === false
      ? undefined
      : new FleetPresence(() => ({ db: deps.db, dialect: deps.dialect, clock, log: app.log }), {
          ...deps.presence,
          ...(deps.dialect === 'postgres' && deps.databaseUrl ? { listenUrl: deps.databaseUrl } : {}),
          ...(deps.dialect === 'sqlite' && deps.dataVersion ? { dataVersion: deps.dataVersion } : {}),
        });
  // PostgreSQL: the next months' partitions made ahead, now and every few hours (db/month-partitions.ts).
  const monthPartitions = deps.dialect === 'postgres' ? new MonthPartitions(deps.db, clock, app.log) : undefined;
  if (monthPartitions) {
    monthPartitions.start();
    app.addHook('onClose', async () => monthPartitions.close());
  }
  const baseCtx = (): Ctx => ({ db: deps.db, dialect: deps.dialect, clock, log: app.log, ...(presence ? { presence } : {}), ...(monthPartitions ? { monthPartitions } : {}) });
  if (presence) {
    presence.start();
    // Before the database closes (server.ts closes it after the app): the pending last-seen times are written.
    app.addHook('onClose', async () => presence.close());
  }
  installHttpContract(app, {
    title: 'Comptoir central server',
    description: 'Back office, fleet and sync API of the central server. See docs/api.md for auth, errors and conventions.',
    version: '1',
  });
  // First, so its latency hook sees every route; the guard checks who may scrape (access: 'metrics').
  const scrapers = metricsAccess({ token: deps.metricsToken, allow: deps.metricsAllow });
  const registry = installMetrics(app, { enabled: scrapers.enabled });
  const routeDeps: RouteDeps = {
    ctxOf: (request) => ({ ...baseCtx(), log: request.log, ...(request.principal ? { user: request.principal, scope: scopeOf(request.principal) } : {}) }),
    heartbeatIntervalMs: deps.heartbeatIntervalMs ?? 1000,
    minSosIntervalSeconds: deps.minSosIntervalSeconds ?? DEFAULT_MIN_SOS_INTERVAL_SECONDS,
    enrolCodeTtlSeconds: deps.enrolCodeTtlSeconds ?? DEFAULT_ENROL_CODE_TTL_SECONDS,
    ...(deps.sosDocumentsPerCustomer !== undefined ? { sosDocumentsPerCustomer: deps.sosDocumentsPerCustomer } : {}),
    metrics: centralMetrics(registry, baseCtx),
    admission: admissionGates({ ...DEFAULT_ADMISSION, ...deps.admission }),
  };

  // The protocol first: a till too old for central hears why, whatever its token.
  installProtocolGate(app);
  installAuthGuard(app, baseCtx, scrapers);
  // Routes are added in a plugin, after the contract: the OpenAPI document sees each of them.
  app.register(async (api) => {
    healthRoutes(api, routeDeps);
    metricsRoute(api, registry, { config: { access: 'metrics' }, schema: METRICS_ROUTE_SCHEMA });
    authRoutes(api, routeDeps);
    registerRoutes(api, routeDeps);
    productRoutes(api, routeDeps);
    customerRoutes(api, routeDeps);
    userRoutes(api, routeDeps);
    ticketRoutes(api, routeDeps);
    closureRoutes(api, routeDeps);
    eventJournalRoutes(api, routeDeps);
    archiveRoutes(api, routeDeps);
    partitionRoutes(api, routeDeps);
    accountingRoutes(api, routeDeps);
    stockRoutes(api, routeDeps);
    tamperRoutes(api, routeDeps);
    syncRoutes(api, routeDeps);
    storeReturnRoutes(api, routeDeps);
    tillCustomerRoutes(api, routeDeps);
    storedValueRoutes(api, routeDeps);
    sosRoutes(api, routeDeps, baseCtx, deps.dialect === 'postgres' ? deps.databaseUrl : undefined);
    if (deps.demoLinks) demoRoutes(api, deps.demoLinks, routeDeps);
    // Last: the back office's API, then its web app (the SPA fallback answers GETs no route took).
    backofficeRoutes(api, routeDeps, { links: deps.demoLinks, staticDir: deps.backofficeDir });
  });
  return app;
}
