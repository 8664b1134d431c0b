// Node-only: the Fastify side of the HTTP contract, shared by the central server and the register.
export { errorAnswer, errorBody, frameworkErrors, installErrorHandler } from './error-handler';
export { API_DOCS_PATH, OPENAPI_PATH, installHttpContract, publicUndocumented, type DeclaredRoute, type HttpContractOptions } from './http-contract';
export { CONTENT_SECURITY_POLICY, DEFAULT_BODY_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, clientLimits, installSecurityHeaders } from './http-hardening';
export type { ZodTypeProvider } from 'fastify-type-provider-zod';

/**
 * Who may call a route: every route of either server says it in `config: { access }`, and each
 * server's guard refuses by default a route that does not. Each server declares its own levels by
 * merging into `RouteAccessLevels` (central: register, staff, admin; the register: cashier, central);
 * `public` is shared (health, login, the OpenAPI document and /api/docs…).
 */
export interface RouteAccessLevels {
  public: true;
}
export type RouteAccess = keyof RouteAccessLevels;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
