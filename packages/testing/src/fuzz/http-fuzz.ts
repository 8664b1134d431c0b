// Property-based fuzzing of every route of a Fastify app (fast-check), through `app.inject()` or a
// real socket. For each request drawn — a route of the app, its path parameters, its query, a body
// (random JSON, a valid example with one field of the wrong type, truncated JSON, garbage, oversized
// arrays and strings), a token or none — the properties are:
//  - never a 5xx, except the gateway answers a route documents (e.g. UNAVAILABLE_OFFLINE);
//  - every refusal (4xx) is the coded error body `{ error: { code, message } }`;
//  - a refusal stores nothing: the target's state fingerprint is the same before and after;
//  - the server still answers afterwards (`alive`).
// The routes come from the app itself (`printRoutes`), so a route added later is fuzzed too.
import { createHash } from 'node:crypto';
import fc from 'fast-check';

export interface FuzzRoute {
  method: string;
  /** Template with `:params`, e.g. /api/tickets/:registerId/:number */
  path: string;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface FuzzTarget {
  name: string;
  send(req: FuzzRequest): Promise<{ status: number; body: string }>;
  /** Bearer tokens worth trying (every role the server knows); requests also go without one. */
  tokens: string[];
  /** A digest of everything the server stores (what a refused request must not change). */
  fingerprint(): Promise<string>;
  alive(): Promise<boolean>;
  /** Valid bodies by "METHOD /path" template, mutated by the fuzzer. */
  examples?: Record<string, unknown>;
  /** Values worth trying for a path parameter, by name (real ids, skus, numbers). */
  params?: Record<string, string[]>;
  /** Query keys worth trying, by "METHOD /path" template. */
  queryKeys?: Record<string, string[]>;
  /** 5xx error codes a route may answer by design, by "METHOD /path" template. */
  gatewayCodes?: Record<string, string[]>;
}

export interface FuzzStats {
  requests: number;
  byStatus: Record<string, number>;
  routes: number;
}

/** Every method+path the app serves, read from Fastify's route tree (HEAD and the SPA catch-all left out). */
export function routesOf(printed: string, skip: (r: FuzzRoute) => boolean = () => false): FuzzRoute[] {
  const out: FuzzRoute[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!m) continue;
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    const parent = depth > 0 ? stack[depth - 1]! : '';
    const full = m[2]!.startsWith('/') ? parent + m[2]! : `${parent}/${m[2]!}`;
    stack[depth] = full;
    for (const method of m[3]!.split(',').map((s) => s.trim())) {
      const r = { method, path: full };
      if (method === 'HEAD' || full.includes('*') || skip(r)) continue;
      out.push(r);
    }
  }
  return out;
}

const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '0', '-1', '1e309', 'NaN', 'null', 'true', '99999999999999999999', '../../etc/passwd', '%00', '<script>', "'; DROP TABLE x; --", 'é'.repeat(300)),
);
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 0, 1.5, 2 ** 53, -(2 ** 60), '', 'x'.repeat(10_000), [], {}, true),
);

/** The example with one value somewhere inside replaced by a junk value (wrong type, out of range). */
function mutateAt(example: unknown, pathPick: number, replacement: unknown): unknown {
  const copy = structuredClone(example) as unknown;
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (slots.push({ parent: v as Record<string, unknown>, key: k }), walk(x));
  };
  walk(copy);
  if (slots.length === 0) return replacement;
  const slot = slots[pathPick % slots.length]!;
  (slot.parent as Record<string | number, unknown>)[slot.key] = replacement;
  return copy;
}

function bodyArbitrary(example: unknown): fc.Arbitrary<string | undefined> {
  const base = example === undefined ? fc.jsonValue({ maxDepth: 3 }) : fc.constant(example);
  return fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.tuple(base, fc.nat(), junkValue).map(([b, at, junk]) => JSON.stringify(mutateAt(b, at, junk))),
    fc.tuple(base, fc.nat(), fc.constantFrom('__proto__', 'constructor', 'extra', 'lines', 'records', 'payments')).map(([b, at, key]) =>
      JSON.stringify(mutateAt(b, at, { [key]: { polluted: true } })),
    ),
    fc.tuple(base, fc.double({ min: 0, max: 1, noNaN: true })).map(([b, f]) => {
      const s = JSON.stringify(b) ?? '';
      return s.slice(0, Math.floor(s.length * f)); // truncated
    }),
    fc.string({ maxLength: 200 }), // not JSON at all
    fc.tuple(base, fc.nat(), fc.integer({ min: 600, max: 5000 })).map(([b, at, n]) => JSON.stringify(mutateAt(b, at, Array.from({ length: n }, () => mutateAt(b, 0, 1))))), // oversized array
    fc.tuple(base, fc.nat()).map(([b, at]) => JSON.stringify(mutateAt(b, at, 'x'.repeat(2_000_000)))), // oversized string
  );
}

export async function fuzzHttp(target: FuzzTarget, routes: FuzzRoute[], opts: { numRuns: number; seed?: number }): Promise<FuzzStats> {
  const stats: FuzzStats = { requests: 0, byStatus: {}, routes: routes.length };
  const key = (r: FuzzRoute) => `${r.method} ${r.path}`;
  const requestArb = fc.constantFrom(...routes).chain((route) => {
    const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const paramArb = fc.tuple(...names.map((n) => fc.oneof(fc.constantFrom(...(target.params?.[n] ?? ['1'])), junkString)));
    const keys = target.queryKeys?.[key(route)] ?? ['limit', 'offset', 'q'];
    const queryArb = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), junkString, { maxKeys: 4 });
    return fc.record({
      route: fc.constant(route),
      params: names.length ? paramArb : fc.constant([] as string[]),
      query: queryArb,
      body: route.method === 'GET' ? fc.constant(undefined) : bodyArbitrary(target.examples?.[key(route)]),
      token: fc.option(fc.constantFrom(...target.tokens), { freq: 5 }),
      contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
    });
  });

  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      let i = 0;
      const path = r.route.path.replace(/:(\w+)/g, () => encodeURIComponent(r.params[i++] ?? ''));
      const qs = new URLSearchParams(r.query as Record<string, string>).toString();
      const headers: Record<string, string> = {};
      if (r.token) headers.authorization = `Bearer ${r.token}`;
      if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
      const req: FuzzRequest = { method: r.route.method, url: qs ? `${path}?${qs}` : path, headers, ...(r.body !== undefined ? { payload: r.body } : {}) };
      const before = await target.fingerprint();
      const res = await target.send(req);
      stats.requests++;
      stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
      const where = `${target.name}: ${req.method} ${req.url.slice(0, 200)} (body ${String(req.payload?.slice(0, 200))}) → ${res.status} ${res.body.slice(0, 300)}`;
      if (res.status >= 500) {
        let code = '';
        try {
          code = String((JSON.parse(res.body) as { error?: { code?: string } }).error?.code ?? '');
        } catch {
          // not JSON: certainly not a documented answer
        }
        if (!(target.gatewayCodes?.[key(r.route)] ?? []).includes(code)) throw new Error(`5xx: ${where}`);
      }
      if (res.status >= 400) {
        const parsed = (() => {
          try {
            return JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
          } catch {
            return null;
          }
        })();
        if (typeof parsed?.error?.code !== 'string' || typeof parsed.error.message !== 'string') throw new Error(`refusal without a coded error: ${where}`);
        if ((await target.fingerprint()) !== before) throw new Error(`a refusal stored something: ${where}`);
      }
      if (!(await target.alive())) throw new Error(`server no longer answers after: ${where}`);
    }),
    { numRuns: opts.numRuns, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true, includeErrorInReport: true },
  );
  return stats;
}

/** What `sendByInject` needs of a Fastify app. */
type FuzzMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface InjectableApp {
  inject(opts: { method: FuzzMethod; url: string; headers: Record<string, string>; payload?: string }): Promise<{ statusCode: number; body: string }>;
}

/** A target's `send` through `app.inject()` (no socket: the same routing, hooks, parsing and handlers). */
export function sendByInject(app: InjectableApp): FuzzTarget['send'] {
  return async (req) => {
    const res = await app.inject({ method: req.method as FuzzMethod, url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
    return { status: res.statusCode, body: res.body };
  };
}

/**
 * A target's `fingerprint`: the SHA-256 of every row of every table but `volatile` ones (tables a
 * refusal writes by design, e.g. sessions or login failures), rows in a stable order.
 */
export async function tablesFingerprint(tables: string[], rowsOf: (table: string) => unknown[] | Promise<unknown[]>, volatile: ReadonlySet<string>): Promise<string> {
  const h = createHash('sha256');
  for (const t of [...tables].sort()) {
    if (volatile.has(t)) continue;
    const rows = await rowsOf(t);
    h.update(t).update(JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()));
  }
  return h.digest('hex');
}

/** Runs per fuzz property: short in CI, as long as asked with COMPTOIR_FUZZ_RUNS. */
export function fuzzRuns(ciDefault: number): number {
  const n = Number(process.env.COMPTOIR_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
}
