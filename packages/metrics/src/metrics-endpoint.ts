import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ComptoirError } from '@comptoir/protocol';

// `GET /metrics` (Prometheus text format) for central and for each register, shared by both.
//
// Who may call it: `Authorization: Bearer <the metrics token>` (--metrics-token /
// COMPTOIR_METRICS_TOKEN), 401 otherwise; on central its guard checks it (`access: 'metrics'`), and
// also lets in the addresses of `--metrics-allow`. Disabled (neither set): the route answers 404
// METRICS_DISABLED (never the back office's index.html) and no metric is collected at all.
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
 * The route checks the metrics token itself (the register's way); central's guard does it instead
 * (`installMetrics` + `metricsRoute`).
 */
export function installMetricsEndpoint(app: FastifyInstance, opts: MetricsEndpointOptions): Registry | null {
  const registry = installMetrics(app, { enabled: Boolean(opts.token) });
  metricsRoute(app, registry, { token: opts.token, config: opts.routeConfig ?? {} });
  return registry;
}

/** The registry, Node's process metrics and the HTTP latency histogram; null (nothing collected) when not enabled. */
export function installMetrics(app: FastifyInstance, opts: { enabled: boolean }): Registry | null {
  if (!opts.enabled) return null;
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
  return registry;
}

/**
 * `GET /metrics`: 404 METRICS_DISABLED without a registry; else the Prometheus text. With `token`,
 * the route itself answers 401 to any other bearer; without it, the server's guard has checked the
 * caller (`config`). `schema` documents the route (OpenAPI) when the server wants it listed.
 */
export function metricsRoute(
  app: FastifyInstance,
  registry: Registry | null,
  opts: { token?: string | undefined; config: Record<string, unknown>; schema?: Record<string, unknown> },
): void {
  const schema = opts.schema ?? {};
  if (!registry) {
    app.get('/metrics', { config: opts.config, schema }, async () => {
      throw new ComptoirError('NOT_FOUND', 'Metrics are disabled: start with --metrics-token or COMPTOIR_METRICS_TOKEN', { reason: 'METRICS_DISABLED' });
    });
    return;
  }
  const expected = opts.token ? digest(opts.token) : null;
  app.get('/metrics', { config: opts.config, schema }, async (request, reply) => {
    if (expected && !metricsTokenMatches(request, expected)) {
      throw new ComptoirError('UNAUTHENTICATED', 'The metrics token is required (Authorization: Bearer …)');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function carriesMetricsToken(request: FastifyRequest, token: string): boolean {
  return metricsTokenMatches(request, digest(token));
}

function metricsTokenMatches(request: FastifyRequest, expected: Buffer): boolean {
  const given = bearer(request);
  return given !== null && timingSafeEqual(digest(given), expected);
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
