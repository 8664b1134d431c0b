import type { FastifyRequest } from 'fastify';
import { carriesMetricsToken } from '@comptoir/metrics';
import { addressMatcher } from './address-list';

// Who may scrape central's `GET /metrics` (`access: 'metrics'`, checked by auth.guard.ts):
// the bearer of the metrics token (`--metrics-token`), or a client whose address is in
// `--metrics-allow` (a Prometheus on the LAN that cannot hold a secret; the address is the socket's
// peer, or X-Forwarded-For's client when the peer is a `--trust-proxy` proxy). Neither set: metrics
// are disabled and the route answers 404 METRICS_DISABLED to everyone.

export interface MetricsAccess {
  enabled: boolean;
  /** Whether this request may read the metrics. */
  allows(request: FastifyRequest): boolean;
}

export function metricsAccess(opts: { token?: string | undefined; allow?: string[] | undefined }): MetricsAccess {
  const allowed = opts.allow?.length ? addressMatcher(opts.allow) : () => false;
  return {
    enabled: Boolean(opts.token) || Boolean(opts.allow?.length),
    allows: (request) => (opts.token !== undefined && carriesMetricsToken(request, opts.token)) || allowed(request.ip),
  };
}

/** How the route is documented (OpenAPI): Prometheus text, not JSON. */
export const METRICS_ROUTE_SCHEMA = {
  summary: 'Prometheus metrics (text exposition format 0.0.4)',
  description:
    'Fleet, ingest, copy, tamper and HTTP metrics, names prefixed comptoir_. Answered to `Authorization: Bearer <metrics token>` ' +
    '(--metrics-token) or to a client address in --metrics-allow; 401 otherwise; 404 METRICS_DISABLED when neither is set. ' +
    'See docs/operations.md (Monitor).',
  produces: ['text/plain'],
};
