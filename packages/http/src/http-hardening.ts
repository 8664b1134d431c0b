import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

// HTTP hardening shared by the central server and the register (docs/security.md):
// - security headers on every answer (helmet): a strict Content-Security-Policy (only the
//   server's own scripts, styles, images and API; `frame-ancestors 'none'`: no page may frame a
//   till or the back office), no MIME sniffing, no referrer, same-origin resources;
// - small bodies by default (64 KB): the few routes that take more say so with their own
//   `bodyLimit` (sync push, catalog import);
// - slow clients cut: headers and body must arrive within the request timeout (30 s by default),
//   so a body trickled one byte at a time, or a connection that never finishes its headers, does
//   not hold a socket for ever. Answers that take long (a full copy, a prepare-outage) are not
//   limited: the timeout covers receiving the request, not the work.

/** Body limit of every route that does not set its own. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Time allowed to receive a request's headers and body. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The Fastify factory options of both servers that limit what one client may hold: body size,
 * and the time to send a whole request (Node's `headersTimeout` and `requestTimeout`, checked
 * every `connectionsCheckingInterval`, kept well under the timeout so a cut comes on time).
 */
export function clientLimits(requestTimeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS) {
  const checkEvery = Math.max(100, Math.min(1000, Math.floor(requestTimeoutMs / 4)));
  return {
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestTimeout: requestTimeoutMs,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: checkEvery },
  };
}

/**
 * The Content-Security-Policy of both web apps and of `/api/docs` (Vite builds load one script and
 * one stylesheet from /assets; React sets styles through the DOM, which a CSP allows; the back
 * office's icon is a data: URL). No `upgrade-insecure-requests`: tills and central are reached over
 * plain HTTP on a shop's LAN, and an upgrade would break every asset.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'none'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
  },
};

/**
 * Installs the security headers on every answer of `app` (errors and 404s included). Helmet's
 * middleware is built ONCE here and run in an onRequest hook: @fastify/helmet 13 rebuilds it (and
 * re-parses the CSP directives) on every request, which was ~5 % of central's CPU per heartbeat at
 * 5,000 tills (docs/benchmarks.md, fleet profile). Call it before any route is added.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const securityHeaders = helmet({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over HTTPS (a reverse proxy in front of central); harmless on HTTP.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
}
