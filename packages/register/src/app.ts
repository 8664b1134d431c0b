import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RegisterContext } from './context';
import { clientLimits, frameworkErrors, installHttpContract } from '@comptoir/http';
import { installSessionGuard } from './auth/session.guard';
import { authRoutes } from './auth/auth.routes';
import { saleRoutes } from './sales/sale.routes';
import { catalogRoutes } from './catalog/catalog.routes';
import { statusRoutes } from './status/status.routes';
import { remoteCopyRoutes } from './sync/remote-copy.routes';
import { peerReturnRoutes } from './returns/peer-return.routes';
import { storedValueRoutes } from './credit-notes/stored-value.routes';
import { cashierScreenRoutes } from './web/cashier-screen.routes';
import type { AgentHandle } from './sync/register-agent';
import { installMetricsEndpoint } from '@comptoir/metrics';
import { registerMetrics } from './status/register-metrics.service';

export interface RegisterDeps {
  /** The local database and services' context (ctx.db is the Kysely instance). */
  ctx: RegisterContext;
  /** Status and manual copy (the sync side). */
  agent: AgentHandle;
  logger?: Logger;
  /** The built cashier screen (default: packages/cashier-web/dist). */
  cashierWebDir?: string;
  /** Bearer token of `GET /metrics` (Prometheus); undefined = metrics disabled. */
  metricsToken?: string;
  /** Time a client has to send a whole request, headers and body (default 30 s; @comptoir/http clientLimits). */
  clientRequestTimeoutMs?: number;
}

/** The register agent's local HTTP API (served to the cashier screen). Does not listen. */
export function buildRegister(deps: RegisterDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // 64 KB bodies (a 500-line sale is well under), slow clients cut.
    ...clientLimits(deps.clientRequestTimeoutMs),
    frameworkErrors,
  }) as unknown as FastifyInstance;
  installHttpContract(app, {
    title: 'Comptoir register',
    description: "The register agent's local API (the cashier screen's). See docs/api.md for auth, errors and conventions.",
    version: '1',
  });
  installSessionGuard(app, deps.ctx);
  // First, so its latency hook sees every route; the route checks its own token (not a session).
  const metrics = registerMetrics(installMetricsEndpoint(app, { token: deps.metricsToken, routeConfig: { access: 'public' } }), deps.ctx, deps.agent);
  // Routes are added in a plugin, after the contract: the OpenAPI document sees each of them.
  app.register(async (api) => {
    authRoutes(api, deps.ctx);
    saleRoutes(api, deps.ctx, metrics);
    catalogRoutes(api, deps.ctx);
    statusRoutes(api, deps.agent);
    remoteCopyRoutes(api, deps.agent);
    peerReturnRoutes(api, deps.ctx);
    storedValueRoutes(api, deps.ctx);
    cashierScreenRoutes(api, deps.ctx, deps.cashierWebDir);
  });
  return app;
}
