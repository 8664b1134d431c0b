import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../routes';
import { catalogAdminRoutes } from '../catalog/catalog-admin.routes';
import { dashboardRoutes } from '../dashboard/dashboard.routes';
import { documentRoutes } from '../documents/document.routes';
import { fleetViewRoutes } from '../fleet/fleet-view.routes';
import type { LinkStates } from '../fleet/fleet-view.service';
import { reviewRoutes } from '../review/review.routes';
import { stockAdminRoutes } from '../stock/stock-admin.routes';
import { stockCountRoutes } from '../stock/stock-count.routes';
import { storeRoutes } from '../stores/store.routes';
import { userAdminRoutes } from '../users/user-admin.routes';
import { backofficeStaticRoutes } from './static.routes';

/**
 * Everything the back office adds to the central server (issue 5): its API endpoints, then the
 * web app itself (static files + SPA fallback, registered last: it answers only GETs no API route took).
 */
export function backofficeRoutes(app: FastifyInstance, deps: RouteDeps, opts: { links?: LinkStates | undefined; staticDir?: string | undefined }): void {
  storeRoutes(app, deps);
  fleetViewRoutes(app, deps, opts.links);
  documentRoutes(app, deps);
  catalogAdminRoutes(app, deps);
  stockAdminRoutes(app, deps);
  stockCountRoutes(app, deps);
  userAdminRoutes(app, deps);
  dashboardRoutes(app, deps);
  reviewRoutes(app, deps);
  backofficeStaticRoutes(app, opts.staticDir);
}
