import type { FastifyRequest } from 'fastify';
import type { Ctx } from './context';

/** What every route module receives: how to build the ctx of a request, and the app's settings. */
export interface RouteDeps {
  ctxOf(request: FastifyRequest): Ctx;
  heartbeatIntervalMs: number;
  /** Recent documents per customer in the SOS copy (default 10). */
  sosDocumentsPerCustomer?: number;
}
