import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { DashboardQuery, DashboardResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { dashboard } from './dashboard.service';

export function dashboardRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/dashboard', { config: { access: 'staff' }, schema: { querystring: DashboardQuery, response: { 200: DashboardResponse } } }, async (request) =>
    dashboard(ctxOf(request), request.query),
  );
}
