import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteAccess } from '@comptoir/http';
import { ComptoirError } from '@comptoir/protocol';
import type { Ctx, Principal } from '../../context';
import type { MetricsAccess } from '../system/metrics-access';
import { authenticate } from './auth.service';

/**
 * Who may call a route of the central server (`config: { access }`):
 * - public: anyone (health, login, enrolment — the one-time code is the credential — the back
 *   office's static files, and the API's documentation: `GET /api/openapi.json`, `/api/docs`);
 * - register: an enrolled register's token, unless revoked (the /api/sync/* routes, and nothing else);
 * - session: any user's session, whatever the role (logging out);
 * - staff: admin or manager (the back office);
 * - admin: admin only (creating users and registers, changing the chain's catalog);
 * - metrics: the Prometheus scraper (`GET /metrics`: the metrics token or an allowed address,
 *   modules/system/metrics-access.ts).
 * Cashiers have no access to the back-office API: they log in on registers.
 */
export type Access = RouteAccess;

declare module '@comptoir/http' {
  interface RouteAccessLevels {
    register: true;
    session: true;
    staff: true;
    admin: true;
    metrics: true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function installAuthGuard(app: FastifyInstance, baseCtx: () => Ctx, metrics: MetricsAccess): void {
  app.addHook('onRequest', async (request) => {
    // A route that forgets to say who may call it is staff-only, never public; no route → 404.
    const access = request.routeOptions.config?.access ?? (request.routeOptions.url ? 'staff' : 'public');
    if (access === 'public') return;
    if (access === 'metrics') {
      // Disabled: the route itself answers 404 METRICS_DISABLED.
      if (metrics.enabled && !metrics.allows(request)) throw new ComptoirError('UNAUTHENTICATED', 'The metrics token is required (Authorization: Bearer …), or an address of --metrics-allow');
      return;
    }
    const token = bearerOf(request);
    if (!token) throw new ComptoirError('UNAUTHENTICATED', 'Missing bearer token');
    const principal = await authenticate(baseCtx(), token);
    if (!principal) throw new ComptoirError('UNAUTHENTICATED', 'Unknown or expired token');
    if (access === 'register') {
      if (principal.kind !== 'register') throw new ComptoirError('FORBIDDEN', 'Only an enrolled register may call the sync API');
    } else if (principal.kind !== 'user') {
      throw new ComptoirError('FORBIDDEN', 'A register token may call only /api/sync/*');
    } else if (access === 'session') {
      // Any signed-in user.
    } else if (access === 'admin' ? principal.role !== 'admin' : principal.role === 'cashier') {
      throw new ComptoirError('FORBIDDEN', `Role ${principal.role} may not do this`);
    }
    request.principal = principal;
  });
}

/** The request's bearer token, or null. */
export function bearerOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}

/** The authenticated register of a sync route (the guard guarantees it). */
export function registerOf(request: FastifyRequest): Extract<Principal, { kind: 'register' }> {
  const p = request.principal;
  if (p?.kind !== 'register') throw new ComptoirError('FORBIDDEN', 'Register token required');
  return p;
}
