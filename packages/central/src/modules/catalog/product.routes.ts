import type { FastifyInstance } from 'fastify';
import { CreateProductRequest, PatchProductRequest, ProductsQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createProduct, getProduct, listProducts, patchProduct } from './product.service';

export function productRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/products', { config: { access: 'staff' } }, async (request) =>
    listProducts(ctxOf(request), ProductsQuery.parse(request.query)),
  );
  app.get<{ Params: { sku: string } }>('/api/products/:sku', { config: { access: 'staff' } }, async (request) =>
    getProduct(ctxOf(request), request.params.sku),
  );
  app.post('/api/products', { config: { access: 'staff' } }, async (request, reply) =>
    reply.status(201).send(await createProduct(ctxOf(request), CreateProductRequest.parse(request.body))),
  );
  app.patch<{ Params: { sku: string } }>('/api/products/:sku', { config: { access: 'staff' } }, async (request) =>
    patchProduct(ctxOf(request), request.params.sku, PatchProductRequest.parse(request.body)),
  );
}
