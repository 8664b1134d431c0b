import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { ARCHIVE_FILE_TYPE, ArchiveFileParams, ArchiveFileReceipt, CentralArchive, CentralArchiveParams, CentralArchivesQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { buildArchiveFile, listArchives } from './archive.service';
import { downloadArchiveFile, receiveArchiveFile } from './archive-file.service';

/**
 * An archive file's largest upload: a fiscal-year archive holds every record of the year (a busy
 * till: some 100,000 tickets of 1–2 KB). Larger is refused (413) and stays on the register, which
 * central can still rebuild from its records.
 */
const ARCHIVE_FILE_BODY_LIMIT = 256 * 1024 * 1024;

export function archiveRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/archives', { config: { access: 'staff' }, schema: { querystring: CentralArchivesQuery, response: { 200: z.object({ items: z.array(CentralArchive) }) } } }, async (request) =>
    listArchives(ctxOf(request), request.query),
  );
  api.get('/api/archives/:registerId/:number/file', { config: { access: 'staff' }, schema: { params: CentralArchiveParams, produces: [ARCHIVE_FILE_TYPE] } }, async (request, reply) => {
    const { filename, text } = await buildArchiveFile(ctxOf(request), request.params.registerId, request.params.number);
    return reply
      .type(`${ARCHIVE_FILE_TYPE}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(text);
  });
  // The file as the register wrote and sent it (the route above rebuilds it from central's records).
  api.get('/api/archives/:registerId/:number/register-file', { config: { access: 'staff' }, schema: { params: CentralArchiveParams, produces: [ARCHIVE_FILE_TYPE] } }, async (request, reply) => {
    const { filename, content } = await downloadArchiveFile(ctxOf(request), request.params.registerId, request.params.number);
    return reply
      .type(`${ARCHIVE_FILE_TYPE}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(content);
  });
  // The register's own archive file, sent once its archive record is integrated: in a scope whose
  // parser takes the NDJSON text as is.
  api.register(async (scope) => {
    scope.addContentTypeParser(ARCHIVE_FILE_TYPE, { parseAs: 'string', bodyLimit: ARCHIVE_FILE_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().put(
      '/api/sync/archives/:number/file',
      {
        config: { access: 'register' },
        bodyLimit: ARCHIVE_FILE_BODY_LIMIT,
        schema: {
          consumes: [ARCHIVE_FILE_TYPE],
          params: ArchiveFileParams,
          body: z.string({ message: `send the archive file as ${ARCHIVE_FILE_TYPE}` }).min(1),
          response: { 200: ArchiveFileReceipt, 201: ArchiveFileReceipt },
        },
      },
      async (request, reply) => {
        const { created, receipt } = await receiveArchiveFile(ctxOf(request), registerOf(request).registerId, request.params.number, request.body);
        return reply.status(created ? 201 : 200).send(receipt);
      },
    );
  });
}
