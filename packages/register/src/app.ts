import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RegisterContext } from './context';
import { installErrorHandler } from './http/error-handler';
import { authRoutes } from './auth/auth.routes';
import { saleRoutes } from './sales/sale.routes';
import { catalogRoutes } from './catalog/catalog.routes';
import { statusRoutes } from './status/status.routes';
import { remoteCopyRoutes } from './sync/remote-copy.routes';
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
}

/** The register agent's local HTTP API (served to the cashier screen). Does not listen. */
export function buildRegister(deps: RegisterDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  }) as unknown as FastifyInstance;
  installErrorHandler(app);
  // First, so its latency hook sees every route; the route checks its own token.
  const metrics = registerMetrics(installMetricsEndpoint(app, { token: deps.metricsToken }), deps.ctx, deps.agent);
  authRoutes(app, deps.ctx);
  saleRoutes(app, deps.ctx, metrics);
  catalogRoutes(app, deps.ctx);
  statusRoutes(app, deps.ctx, deps.agent);
  remoteCopyRoutes(app, deps.agent);
  cashierScreenRoutes(app, deps.ctx, deps.cashierWebDir);
  return app;
}
