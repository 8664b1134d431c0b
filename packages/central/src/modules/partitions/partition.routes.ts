import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { PartitionsResponse, PurgeRequest, PurgeResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listPartitions, purgeMonths } from './partition-purge.service';

/** Monthly partitions (PostgreSQL): what each month holds, and the purge of archived months. Admin only. */
export function partitionRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/partitions', { config: { access: 'admin' }, schema: { response: { 200: PartitionsResponse } } }, async (request) => listPartitions(ctxOf(request)));
  api.post('/api/partitions/purge', { config: { access: 'admin' }, schema: { body: PurgeRequest, response: { 200: PurgeResponse } } }, async (request) =>
    purgeMonths(ctxOf(request), request.body.before),
  );
}
