import type { FastifyInstance } from 'fastify';
import { CentralClosuresQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listClosures } from './closure.service';

export function closureRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/closures', { config: { access: 'staff' } }, async (request) =>
    listClosures(ctxOf(request), CentralClosuresQuery.parse(request.query)),
  );
}
