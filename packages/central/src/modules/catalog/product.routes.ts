import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreateProductRequest, PatchProductRequest, Product, ProductsQuery, SkuParams, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createProduct, getProduct, listProducts, patchProduct } from './product.service';

/** The catalog is the chain's (one price list for every store): managers read it, admins change it. */
export function productRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/products', { config: { access: 'staff' }, schema: { querystring: ProductsQuery, response: { 200: listOf(Product) } } }, async (request) =>
    listProducts(ctxOf(request), request.query),
  );
  api.get('/api/products/:sku', { config: { access: 'staff' }, schema: { params: SkuParams, response: { 200: Product } } }, async (request) =>
    getProduct(ctxOf(request), request.params.sku),
  );
  api.post('/api/products', { config: { access: 'admin' }, schema: { body: CreateProductRequest, response: { 201: Product } } }, async (request, reply) =>
    reply.status(201).send(await createProduct(ctxOf(request), request.body)),
  );
  api.patch('/api/products/:sku', { config: { access: 'admin' }, schema: { params: SkuParams, body: PatchProductRequest, response: { 200: Product } } }, async (request) =>
    patchProduct(ctxOf(request), request.params.sku, request.body),
  );
}
