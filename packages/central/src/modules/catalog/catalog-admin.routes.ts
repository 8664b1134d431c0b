import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { ImportQuery, ImportResult, Product, PutProductRequest, SkuParams, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { exportCatalogCsv, importCatalogCsv, listCategories, putProduct } from './catalog-admin.service';

/** A 5,000-row chunk of CSV is well under this. */
const CSV_BODY_LIMIT = 8 * 1024 * 1024;
const Category = z.object({ name: z.string(), products: z.number().int() });

/** The catalog is the chain's: every manager reads it, only an admin changes it (docs/security.md). */
export function catalogAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));
  api.put('/api/products/:sku', { config: { access: 'admin' }, schema: { params: SkuParams, body: PutProductRequest, response: { 200: Product } } }, async (request) =>
    putProduct(ctxOf(request), request.params.sku, request.body),
  );
  api.get('/api/catalog/categories', { config: { access: 'staff' }, schema: { response: { 200: listOf(Category) } } }, async (request) => listCategories(ctxOf(request)));
  api.get('/api/catalog/export.csv', { config: { access: 'staff' }, schema: { produces: ['text/csv'] } }, async (request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="catalogue.csv"')
      .send(await exportCatalogCsv(ctxOf(request))),
  );
  api.post(
    '/api/catalog/import',
    {
      config: { access: 'admin' },
      bodyLimit: CSV_BODY_LIMIT,
      schema: { consumes: ['text/csv'], body: z.string({ message: 'send the CSV as text/csv' }).min(1), querystring: ImportQuery, response: { 200: ImportResult } },
    },
    async (request) => importCatalogCsv(ctxOf(request), request.body, request.query.firstLine),
  );
}
