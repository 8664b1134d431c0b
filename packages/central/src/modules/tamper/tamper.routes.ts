import type { FastifyInstance } from 'fastify';
import { TamperAlertsQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listTamperAlerts } from './tamper.service';

export function tamperRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/tamper-alerts', { config: { access: 'staff' } }, async (request) =>
    listTamperAlerts(ctxOf(request), TamperAlertsQuery.parse(request.query)),
  );
}
