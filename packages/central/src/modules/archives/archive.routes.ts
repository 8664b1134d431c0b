import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { CentralArchive, CentralArchiveParams, CentralArchivesQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { buildArchiveFile, listArchives } from './archive.service';

export function archiveRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/archives', { config: { access: 'staff' }, schema: { querystring: CentralArchivesQuery, response: { 200: z.object({ items: z.array(CentralArchive) }) } } }, async (request) =>
    listArchives(ctxOf(request), request.query),
  );
  api.get('/api/archives/:registerId/:number/file', { config: { access: 'staff' }, schema: { params: CentralArchiveParams, produces: ['application/x-ndjson'] } }, async (request, reply) => {
    const { filename, text } = await buildArchiveFile(ctxOf(request), request.params.registerId, request.params.number);
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(text);
  });
}
