import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ImportQuery, PutProductRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { exportCatalogCsv, importCatalogCsv, listCategories, putProduct } from './catalog-admin.service';

/** A 5,000-row chunk of CSV is well under this. */
const CSV_BODY_LIMIT = 8 * 1024 * 1024;
const SkuParam = z.object({ sku: z.string().trim().min(1).max(64) });

export function catalogAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.put('/api/products/:sku', { config: { access: 'staff' } }, async (request) =>
    putProduct(ctxOf(request), SkuParam.parse(request.params).sku, PutProductRequest.parse(request.body)),
  );
  app.get('/api/catalog/categories', { config: { access: 'staff' } }, async (request) => listCategories(ctxOf(request)));
  app.get('/api/catalog/export.csv', { config: { access: 'staff' } }, async (request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="catalogue.csv"')
      .send(await exportCatalogCsv(ctxOf(request))),
  );
  app.post('/api/catalog/import', { config: { access: 'staff' }, bodyLimit: CSV_BODY_LIMIT }, async (request) =>
    importCatalogCsv(ctxOf(request), z.string({ message: 'send the CSV as text/csv' }).min(1).parse(request.body), ImportQuery.parse(request.query).firstLine),
  );
}
