import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CategoryParams, CategoryProductsQuery, LocalProduct, ProductCodeParams, ShelfCategory, listOf } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { createShelfService } from './shelf.service';

export function shelfRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const shelf = createShelfService(ctx);

  api.get('/api/categories', { config: { access: 'cashier' }, schema: { response: { 200: listOf(ShelfCategory) } } }, async () => shelf.categories());

  api.get(
    '/api/categories/:name/products',
    { config: { access: 'cashier' }, schema: { params: CategoryParams, querystring: CategoryProductsQuery, response: { 200: listOf(LocalProduct) } } },
    async (req) => shelf.productsIn(req.params.name, req.query),
  );

  /** A scan: exact SKU or barcode. */
  api.get('/api/products/by-code/:code', { config: { access: 'cashier' }, schema: { params: ProductCodeParams, response: { 200: LocalProduct } } }, async (req) =>
    shelf.byCode(req.params.code),
  );
}
