import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ComptoirError } from '@comptoir/protocol';

// `GET /metrics` (Prometheus text format) for central and for each register, shared by both.
//
// Who may call it: only `Authorization: Bearer <the metrics token>` (--metrics-token /
// COMPTOIR_METRICS_TOKEN), 401 otherwise. Without a token the route answers 404 METRICS_DISABLED
// (never the back office's index.html) and no metric is collected at all.
// Labels are bounded: route templates (never raw URLs), methods, status codes, modes, reasons,
// register ids (bounded by the fleet) — never ticket numbers.

export const METRICS_PREFIX = 'comptoir_';

export interface MetricsEndpointOptions {
  /** Bearer token of the scraper; undefined = metrics disabled. */
  token: string | undefined;
  /** Route options the server's guard needs (e.g. central's `{ access: 'public' }`: the token is checked here). */
  routeConfig?: Record<string, unknown>;
}

export interface Metrics {
  /** null when metrics are disabled: callers skip their observations. */
  registry: Registry | null;
}

/** Seconds histogram buckets from 1 ms to 10 s (sales commit in ms, pushes of 500 records in 100s of ms). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Installs `GET /metrics` and, when enabled, the HTTP latency histogram of every request
 * (`comptoir_http_request_duration_seconds{method,route,status_code}`) and Node's process metrics.
 * Returns the registry the server adds its own metrics to (null when disabled).
 */
export function installMetricsEndpoint(app: FastifyInstance, opts: MetricsEndpointOptions): Registry | null {
  const config = opts.routeConfig ?? {};
  if (!opts.token) {
    app.get('/metrics', { config }, async () => {
      throw new ComptoirError('NOT_FOUND', 'Metrics are disabled: start with --metrics-token or COMPTOIR_METRICS_TOKEN', { reason: 'METRICS_DISABLED' });
    });
    return null;
  }
  const expected = digest(opts.token);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const http = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests served, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    http.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config }, async (request, reply) => {
    const given = bearer(request);
    if (!given || !timingSafeEqual(digest(given), expected)) {
      throw new ComptoirError('UNAUTHENTICATED', 'The metrics token is required (Authorization: Bearer …)');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}

/**
 * A counter whose value lives elsewhere (a count kept by a service, a row count): read at each
 * scrape. Such a value only grows while the process runs, as a counter must.
 */
export function observedCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  return /^Bearer\s+(\S+)$/i.exec(h)?.[1] ?? null;
}
