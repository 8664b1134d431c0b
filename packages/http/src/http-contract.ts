import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';

type RouteAccess = NonNullable<FastifyContextConfig['access']>;
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installErrorHandler } from './error-handler';
import { installSecurityHeaders } from './http-hardening';

/** Where both servers publish their OpenAPI 3 document, and its interactive page. */
export const OPENAPI_PATH = '/api/openapi.json';
export const API_DOCS_PATH = '/api/docs';

export interface HttpContractOptions {
  title: string;
  description: string;
  version: string;
}

/**
 * The HTTP contract shared by the central server and the register, installed before any route:
 * routes declare zod schemas (`schema: { body, querystring, params, response }`) that validate the
 * request, serialize the answer and document both; one error handler (`error-handler.ts`);
 * `GET /api/openapi.json` and `/api/docs` built from those schemas; the security headers of every
 * answer (`http-hardening.ts`). Routes are then added inside
 * `app.register(...)` (so the document sees them): see docs/architecture.md "How to add a route".
 */
export function installHttpContract(app: FastifyInstance, opts: HttpContractOptions): void {
  recordRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installSecurityHeaders(app);
  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: opts.title, description: opts.description, version: opts.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  publicUndocumented(app, async (docs) => {
    docs.get(OPENAPI_PATH, async () => app.swagger());
    await docs.register(fastifySwaggerUi, { routePrefix: API_DOCS_PATH });
  });
}

/**
 * Registers `routes` in a scope where every route, including those a plugin adds (static files,
 * the docs page), is `access: 'public'` and left out of the OpenAPI document: a web app's files and
 * the API's documentation, never an API route.
 */
export function publicUndocumented(app: FastifyInstance, routes: (scope: FastifyInstance) => Promise<void>): void {
  app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
      route.schema = { ...route.schema, hide: true };
    });
    await routes(scope);
  });
}

/** One route as declared, with who may call it (`undefined`: it said nothing, so its server's guard refuses by default). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route added so far, with its declared access (the route-access tests enumerate them). */
    declaredRoutes(): DeclaredRoute[];
  }
}

/**
 * Keeps every route's options as Fastify adds it, read when asked (not when added: a scope's own
 * `onRoute` hook, such as publicUndocumented's, runs after this one and may still set `access`).
 */
function recordRoutes(app: FastifyInstance): void {
  const routes: { method: string | string[]; url: string; config?: { access?: RouteAccess } }[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route as never);
  });
  app.decorate('declaredRoutes', () =>
    routes.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ method, url: r.url, access: r.config?.access }))),
  );
}
