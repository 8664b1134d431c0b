import type { FastifyInstance } from 'fastify';
import { ArchiveNumberParams, ClosuresQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { archiveFileOf, listArchives } from './archive.service';

export function archiveRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/archives', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return { items: listArchives(ctx, ClosuresQuery.parse(req.query).limit) };
  });

  app.get('/api/archives/:number/file', async (req, reply) => {
    authenticate(ctx, req.headers.authorization);
    const file = archiveFileOf(ctx, ArchiveNumberParams.parse(req.params).number);
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.name}"`)
      .send(file.text);
  });
}
