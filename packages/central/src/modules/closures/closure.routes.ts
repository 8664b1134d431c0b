import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { CentralClosure, CentralClosuresQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listClosures } from './closure.service';

export function closureRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/closures', { config: { access: 'staff' }, schema: { querystring: CentralClosuresQuery, response: { 200: z.object({ items: z.array(CentralClosure) }) } } }, async (request) =>
    listClosures(ctxOf(request), request.query),
  );
}
