import type { FastifyInstance } from 'fastify';
import { CategoryParams, CategoryProductsQuery, ProductCodeParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { createShelfService } from './shelf.service';

export function shelfRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const shelf = createShelfService(ctx);

  app.get('/api/categories', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return shelf.categories();
  });

  app.get('/api/categories/:name/products', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return shelf.productsIn(CategoryParams.parse(req.params).name, CategoryProductsQuery.parse(req.query));
  });

  /** A scan: exact SKU or barcode. */
  app.get('/api/products/by-code/:code', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return shelf.byCode(ProductCodeParams.parse(req.params).code);
  });
}
