import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { Archive, ArchiveNumberParams, ClosuresQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { archiveFileOf, listArchives } from './archive.service';
import { actorOf } from '../auth/session.guard';
import { writeEvent } from '../chain/record-chain';

export function archiveRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/archives', { config: { access: 'cashier' }, schema: { querystring: ClosuresQuery, response: { 200: z.object({ items: z.array(Archive) }) } } }, async (req) => ({
    items: listArchives(ctx, req.query.limit),
  }));

  api.get('/api/archives/:number/file', { config: { access: 'cashier' }, schema: { params: ArchiveNumberParams, produces: ['application/x-ndjson'] } }, async (req, reply) => {
    const file = archiveFileOf(ctx, req.params.number);
    writeEvent(ctx, 'archive_downloaded', { archiveNumber: req.params.number, by: actorOf(req).cashierId });
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.name}"`)
      .send(file.text);
  });
}
