import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { FleetResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { fleetView, type LinkStates } from './fleet-view.service';

export function fleetViewRoutes(app: FastifyInstance, { ctxOf }: RouteDeps, links: LinkStates | undefined): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/fleet', { config: { access: 'staff' }, schema: { response: { 200: FleetResponse } } }, async (request) => fleetView(ctxOf(request), links));
}
