import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../routes';
import { fleetView, type LinkStates } from './fleet-view.service';

export function fleetViewRoutes(app: FastifyInstance, { ctxOf }: RouteDeps, links: LinkStates | undefined): void {
  app.get('/api/fleet', { config: { access: 'staff' } }, async (request) => fleetView(ctxOf(request), links));
}
