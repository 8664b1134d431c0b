import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ComptoirError } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate, type Actor } from './auth.service';

/**
 * Who may call a route of the register (`config: { access }`):
 * - public: anyone on the till's network (`GET /api/status`, login, the cashier screen's files, and
 *   the API's documentation: `GET /api/openapi.json`, `/api/docs`);
 * - cashier: a cashier session token (`Authorization: Bearer …`), the default: a route that forgets
 *   to say who may call it needs a session, never nothing;
 * - central: the central server, whose HMAC headers the route itself checks (remote copy).
 * The check runs before the body is validated: an anonymous caller learns nothing from a 400.
 */
declare module '@comptoir/http' {
  interface RouteAccessLevels {
    cashier: true;
    central: true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export function installSessionGuard(app: FastifyInstance, ctx: RegisterContext): void {
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? (request.routeOptions.url ? 'cashier' : 'public');
    if (access !== 'cashier') return;
    request.actor = authenticate(ctx, request.headers.authorization);
  });
}

/** The logged-in cashier of a `cashier` route (the guard guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ComptoirError('UNAUTHENTICATED', 'A cashier session token is required');
  return request.actor;
}
