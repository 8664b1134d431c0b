import type { FastifyInstance } from 'fastify';
import { DashboardQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { dashboard } from './dashboard.service';

export function dashboardRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/dashboard', { config: { access: 'staff' } }, async (request) => dashboard(ctxOf(request), DashboardQuery.parse(request.query)));
}
