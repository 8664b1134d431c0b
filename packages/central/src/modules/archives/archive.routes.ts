import type { FastifyInstance } from 'fastify';
import { CentralArchiveParams, CentralArchivesQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { buildArchiveFile, listArchives } from './archive.service';

export function archiveRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/archives', { config: { access: 'staff' } }, async (request) =>
    listArchives(ctxOf(request), CentralArchivesQuery.parse(request.query)),
  );
  app.get('/api/archives/:registerId/:number/file', { config: { access: 'staff' } }, async (request, reply) => {
    const p = CentralArchiveParams.parse(request.params);
    const { filename, text } = await buildArchiveFile(ctxOf(request), p.registerId, p.number);
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(text);
  });
}
