import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { TamperAlert, TamperAlertsQuery, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listTamperAlerts } from './tamper.service';

export function tamperRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/tamper-alerts', { config: { access: 'staff' }, schema: { querystring: TamperAlertsQuery, response: { 200: listOf(TamperAlert) } } }, async (request) =>
    listTamperAlerts(ctxOf(request), request.query),
  );
}
