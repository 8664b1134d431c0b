import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { signPeerRequest } from '@comptoir/domain';
import { eventually, fuzzHttp, fuzzRuns, routesOf, sendByInject, tablesFingerprint, type FuzzRequest, type FuzzTarget } from '@comptoir/testing';
import { api, cashierSession } from './helpers';
import { centralPerFile, DEMO_SKUS } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';

/**
 * Property-based fuzzing of every route of the register (issue 14), through app.inject(), with the
 * generator and properties central's fuzzer uses (@comptoir/testing fuzz/http-fuzz.ts): random,
 * wrong-typed, truncated, oversized and garbage bodies, junk queries and path parameters, a cashier's
 * or a manager's session, a peer register's signed headers, a wrong token or none. Never a 5xx
 * (but the documented "central unreachable" answers of the routes that need central), every refusal
 * a coded error, a refusal stores nothing (every table of the register's database: records, tickets,
 * outbox, stock, drawer, held sales, reservations…), and the register keeps answering.
 * COMPTOIR_FUZZ_RUNS=N for a long run (CI: a short budget).
 *
 * The register is enrolled at a real central process, has sold one ticket, then its link is cut and
 * it goes autonomous before the fuzzing starts: while connected, its pusher and heartbeat change the
 * outbox and the copy in the background, which a before/after fingerprint would take for a refusal
 * storing something. Autonomous is also where a till must hold out alone.
 * Not part of the fingerprint: sessions (a login writes one, a logout removes one), login_failures
 * (a wrong PIN is counted by design: the login throttle, docs/security.md), and the signed events a
 * refused PIN journals by design — `login_failed`, `login_locked` — with their outbox rows (a login or
 * a manager's approval with a wrong PIN or an unknown login: the NF525 event journal). The fuzzer
 * can draw such a request but rarely does; the first test pins that exception down.
 */
const centralOfFile = centralPerFile();
const VOLATILE = new Set(['sessions', 'login_failures']);
/** Events a refused PIN signs by design (auth.service.ts, login-throttle.service.ts). */
const JOURNALED_REFUSAL = "chain = 'event' AND json_extract(payload, '$.event') IN ('login_failed', 'login_locked')";
/** Rows of a table, the journaled refusals left out of `records` and `outbox`. */
function rowsOf(reg: EnrolledRegister['reg'], table: string): unknown[] {
  if (table === 'records') return reg.ctx.sqlite.prepare(`SELECT * FROM records WHERE NOT (${JOURNALED_REFUSAL})`).all();
  if (table === 'outbox') return reg.ctx.sqlite.prepare(`SELECT * FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM records WHERE chain = o.chain AND number = o.number AND ${JOURNALED_REFUSAL})`).all();
  return reg.ctx.sqlite.prepare(`SELECT * FROM "${table}"`).all();
}
function fingerprintOf(reg: EnrolledRegister['reg']): Promise<string> {
  const tables = (reg.ctx.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  return tablesFingerprint(tables, (t) => rowsOf(reg, t), VOLATILE);
}
/** A token the target replaces by a peer register's signature of the request (docs/security.md, register to register). */
const PEER_SIGNED = 'peer-signed';

let env: EnrolledRegister;
let peer: EnrolledRegister;
let managerToken: string;
before(async () => {
  const central = await centralOfFile();
  peer = await startEnrolledRegister(central, 'Caisse voisine');
  env = await startEnrolledRegister(central, 'Caisse fuzz');
  const reg = env.reg;
  // Its copy must list the neighbour (and its key) for the peer routes to go past the signature.
  await eventually('the neighbour is in the store registers', async () =>
    reg.ctx.sqlite.prepare('SELECT 1 FROM store_registers WHERE register_id = ?').get(peer.registerId),
  );
  managerToken = (await cashierSession(reg, central.manager)).token;
  const sale = await api(reg.url, 'POST', '/api/sales', { token: env.token, body: { lines: [{ sku: DEMO_SKUS.coffee, quantity: 2 }], payments: [{ method: 'cash', amountCents: 1000 }] } });
  assert.equal(sale.status, 201, JSON.stringify(sale.body));
  await env.link.setMode({ kind: 'refuse' });
  await eventually('autonomous', async () => reg.status().mode === 'autonomous', 30_000);
});
after(async () => {
  await env?.close();
  await peer?.close();
});

/** What Fastify hands the peer guard as the body (it signs the parsed body). */
function parsedBody(req: FuzzRequest): unknown {
  if (req.payload === undefined) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('text/plain')) return req.payload;
  try {
    return JSON.parse(req.payload) as unknown;
  } catch {
    return undefined; // refused by the parser before the guard
  }
}

test('the one thing a refusal stores: a wrong PIN is journaled as a signed login_failed event', async () => {
  // First: the fuzzing's wrong PINs could lock this address (429) before it.
  const reg = env.reg;
  const count = (sql: string) => (reg.ctx.sqlite.prepare(sql).get() as { n: number }).n;
  const records = count('SELECT count(*) AS n FROM records');
  const outbox = count('SELECT count(*) AS n FROM outbox');
  const before = await fingerprintOf(reg);
  const res = await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'personne', pin: '0000' } });
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'INVALID_CREDENTIALS');
  assert.equal(count('SELECT count(*) AS n FROM records'), records + 1, 'one record more');
  assert.equal(count('SELECT count(*) AS n FROM outbox'), outbox + 1, 'its outbox row');
  const last = reg.ctx.sqlite.prepare("SELECT json_extract(payload, '$.event') AS event, json_extract(payload, '$.details.login') AS login FROM records WHERE chain = 'event' ORDER BY number DESC LIMIT 1").get();
  assert.deepEqual(last, { event: 'login_failed', login: 'personne' });
  assert.equal(await fingerprintOf(reg), before, 'nothing else changed');
});

test('every route of the register: never a 5xx, coded refusals that store nothing', async () => {
  const reg = env.reg;
  await reg.app.ready();
  const routes = routesOf(reg.app.printRoutes({ commonPrefix: false }));
  assert.ok(routes.length >= 40, `${routes.length} routes found`);
  const inject = sendByInject(reg.app);
  const me = reg.ctx.identity!;
  const neighbour = peer.reg.ctx.identity!;
  const { cashier, manager } = await centralOfFile();
  /** Answers to the requests a neighbour signed (past its guard unless 401). */
  const peerAnswers: Record<number, number> = {};
  const spares = { cashier: [] as string[], manager: [] as string[] };
  for (let i = 0; i < Math.ceil(fuzzRuns(400) / 40); i++) {
    spares.cashier.push((await cashierSession(reg, cashier)).token);
    spares.manager.push((await cashierSession(reg, manager)).token);
  }
  const target: FuzzTarget = {
    name: 'register',
    send: async (req) => {
      const headers = { ...req.headers };
      const token = headers.authorization?.slice('Bearer '.length);
      if (token === PEER_SIGNED) {
        delete headers.authorization;
        const timestamp = new Date().toISOString();
        const body = parsedBody(req);
        headers['x-comptoir-peer'] = neighbour.registerId;
        headers['x-comptoir-timestamp'] = timestamp;
        headers['x-comptoir-key-id'] = neighbour.keyId;
        headers['x-comptoir-peer-signature'] = signPeerRequest(neighbour.privateKey, { method: req.method, path: req.url, from: neighbour.registerId, to: me.registerId, timestamp, body });
      } else if (req.method === 'POST' && req.url.split('?')[0] === '/api/auth/logout' && (token === env.token || token === managerToken)) {
        // A logout ends a spare session of the same person (opened before the fuzzing: a login
        // signs an event), so the fuzzer's own sessions stay open; spares spent, a spent token.
        headers.authorization = `Bearer ${spares[token === env.token ? 'cashier' : 'manager'].pop() ?? 'spent-spare-session'}`;
      }
      const res = await inject({ ...req, headers });
      if (token === PEER_SIGNED) peerAnswers[res.status] = (peerAnswers[res.status] ?? 0) + 1;
      return res;
    },
    tokens: [env.token, managerToken, PEER_SIGNED, 'not-a-token'],
    fingerprint: () => fingerprintOf(reg),
    alive: async () => (await inject({ method: 'GET', url: '/api/status', headers: {} })).status === 200,
    params: {
      number: ['1', '2'],
      id: ['1'],
      reference: [`AV-${me.registerId.replace(/-/g, '').slice(0, 8).toUpperCase()}-1`],
      reservationId: ['6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'],
      code: ['3017620422003'],
    },
    examples: {
      'POST /api/auth/login': cashier,
      'POST /api/sales': { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1, discountCents: 10 }], ticketDiscount: { percentBp: 500 }, payments: [{ method: 'cash', amountCents: 500 }], clientSaleId: '0b0c0d0e-1f20-4a30-8b40-5c6d7e8f9a0b', approval: manager },
      'POST /api/returns': { original: { number: 1 }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: 100 }], approval: manager },
      'POST /api/returns/quote': { original: { number: 1 }, lines: [{ lineNo: 1, quantity: 1 }] },
      'POST /api/cash/movements': { kind: 'in', amountCents: 1000, reason: 'fonds', approval: manager },
      'POST /api/cash/drawer/open': { reason: 'monnaie', approval: manager },
      'POST /api/closures/day': { countedCashCents: 1000, approval: manager },
      'POST /api/held-sales': { lines: [{ sku: DEMO_SKUS.coffee, label: 'Café', unitPriceCents: 300, vatRate: 550, quantity: 1, discountCents: 0 }], customer: null },
      'PUT /api/training': { enabled: true, approval: manager },
      'POST /api/peer/returns': { reservationId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', number: 1, lines: [{ lineNo: 1, quantity: 1 }] },
      'POST /api/peer/credit-notes/spend': { reservationId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', reference: 'AV-00000000-1', amountCents: 100 },
    },
    queryKeys: {
      'GET /api/tickets': ['limit', 'offset'],
      'GET /api/closures': ['limit'],
      'GET /api/products': ['limit', 'offset', 'q'],
      'GET /api/customers': ['limit', 'offset', 'q'],
      'GET /api/events': ['limit', 'offset', 'before'],
      'GET /api/tickets/:number/returnable': ['registerId'],
    },
    // What needs central (a copy; another register's ticket or avoir, unknown here) answers it is
    // unreachable, the link being cut: the documented 503/502 answers of those routes.
    gatewayCodes: Object.fromEntries(
      ['POST /api/sos-copy', 'GET /api/tickets/:number/returnable', 'POST /api/returns/quote', 'POST /api/returns', 'POST /api/sales', 'GET /api/credit-notes/:reference'].map((r) => [r, ['UNAVAILABLE_OFFLINE', 'CENTRAL_UNREACHABLE']]),
    ),
  };
  const stats = await fuzzHttp(target, routes, { numRuns: fuzzRuns(400) });
  console.log(`register fuzz: ${stats.requests} requests over ${stats.routes} routes, by status ${JSON.stringify(stats.byStatus)}; signed by the neighbour ${JSON.stringify(peerAnswers)}`);
  assert.equal(stats.requests, fuzzRuns(400));
});
