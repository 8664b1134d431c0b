import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { http, eventually, onDialect, startPostgres, type PostgresServer } from '@comptoir/testing';
import { openShop, sell, someProducts, waitForDrained, type Shop } from './support/shop';

/**
 * HTTP hardening of both servers, on real processes (central on SQLite, then PostgreSQL) started
 * with a 2 s request timeout (`COMPTOIR_REQUEST_TIMEOUT=2`, 30 s by default): security headers on
 * every answer, the cashier screen's page never cached, 64 KB bodies (413, nothing stored) except
 * the sync push and the catalog import, a body trickled over a raw socket cut on time, and at most
 * two change-event streams per register token.
 */
const TIMEOUT_S = 2;
let pg: PostgresServer | null = null;
after(async () => pg?.stop());

function assertSecurityHeaders(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.match(csp, /default-src 'self'/, `${what}: default-src`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: only own scripts`);
  assert.match(csp, /object-src 'none'/, `${what}: no plugins`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|upgrade-insecure-requests/, `${what}: strict`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', `${what}: x-frame-options`);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', `${what}: referrer-policy`);
}

/** Sends `head` then one byte of body every 200 ms; resolves with what came back and when the server closed. */
function trickle(port: number, head: string, bodyBytes: number): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    let sent = 0;
    // Cleared on close: a pending 20 s timer would keep the test process alive after its last test.
    const deadline = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the trickled request was still open after 20 s (answer so far: ${answer.slice(0, 80)})`));
    }, 20_000);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent++ < bodyBytes && !socket.destroyed) socket.write('x');
      }, 200);
    });
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => {}); // a reset is a cut too
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ ms: Date.now() - started, answer });
    });
  });
}

function registerToken(shop: Shop): string {
  const db = new Database(join(shop.registers[0]!.process.dataDir, 'register.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT token FROM register_meta WHERE id = 1').get() as { token: string }).token;
  } finally {
    db.close();
  }
}

/** Opens `GET /api/sync/events`; returns its status (and, when 200, how to close it). */
async function openStream(url: string, token: string): Promise<{ status: number; retryAfter: string | null; close(): void }> {
  const ac = new AbortController();
  const res = await fetch(`${url}/api/sync/events`, { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) }, signal: ac.signal });
  if (res.status !== 200) await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), close: () => ac.abort() };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`HTTP hardening of central and register [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    before(async () => {
      const databaseUrl = dialect === 'postgres' ? await (pg ??= await startPostgres()).createDatabase(`hardening_${process.pid}`) : undefined;
      shop = await openShop({ registers: 1, heartbeatMs: 250, env: { COMPTOIR_REQUEST_TIMEOUT: String(TIMEOUT_S) }, ...(databaseUrl ? { databaseUrl } : {}) });
    });
    after(async () => shop?.cleanup());

    it('security headers on both servers; index.html never cached, hashed assets immutable', async () => {
      const reg = shop.registers[0]!;
      for (const [name, base] of [['central', shop.central.url], ['register', reg.process.url]] as const) {
        for (const path of ['/', '/api/openapi.json', '/api/no-such-route']) {
          assertSecurityHeaders(await fetch(`${base}${path}`), `${name} ${path}`);
        }
        const page = await fetch(`${base}/`);
        assert.equal(page.status, 200, `${name} serves its web app`);
        assert.equal(page.headers.get('cache-control'), 'no-cache', `${name} index.html is revalidated on every load`);
        const html = await page.text();
        const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
        assert.ok(asset, `${name} index.html names a hashed script`);
        assert.doesNotMatch(html, /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/, `${name}: no inline script (the CSP would block it)`);
        const a = await fetch(`${base}${asset}`);
        assert.equal(a.status, 200);
        assert.match(a.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/, `${name} hashed asset immutable`);
        // A client-side route answers the page, no-cache too.
        assert.equal((await fetch(`${base}/some/screen`)).headers.get('cache-control'), 'no-cache');
      }
      assertSecurityHeaders(await fetch(`${shop.central.url}/api/health`), 'central /api/health');
      assertSecurityHeaders(await fetch(`${reg.process.url}/api/status`), 'register /api/status');
    });

    it('a body over 64 KB is 413 and stores nothing; the sync push and the catalog import take more', async () => {
      const reg = shop.registers[0]!;
      const customers = async () => (await http(shop.central.url, 'GET', '/api/customers?limit=1', { token: shop.adminToken })).body.total as number;
      const before = await customers();
      const big = await http(shop.central.url, 'POST', '/api/customers', { token: shop.adminToken, body: { name: 'Oversize', email: `${'a'.repeat(70 * 1024)}@example.com` } });
      assert.equal(big.status, 413, JSON.stringify(big.body));
      assert.equal(big.body.error.code, 'BAD_REQUEST');
      assert.equal(await customers(), before, 'no customer stored');
      const small = await http(shop.central.url, 'POST', '/api/customers', { token: shop.adminToken, body: { name: 'Petite cliente' } });
      assert.equal(small.status, 201, 'a normal body still passes');

      const [p] = await someProducts(shop, 1);
      assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
      const ticketsBefore = (await http(reg.process.url, 'GET', '/api/tickets?limit=1000', { token: reg.cashierToken })).body.items.length as number;
      assert.ok(ticketsBefore >= 1);
      const lines = Array.from({ length: 800 }, () => ({ sku: p!.sku, quantity: 1, discountCents: 0, padding: 'x'.repeat(60) }));
      const bigSale = await http(reg.process.url, 'POST', '/api/sales', { token: reg.cashierToken, body: { lines, payments: [{ method: 'card', amountCents: 800 * p!.priceCents }] } });
      assert.equal(bigSale.status, 413, JSON.stringify(bigSale.body));
      assert.equal((await http(reg.process.url, 'GET', '/api/tickets?limit=1000', { token: reg.cashierToken })).body.items.length, ticketsBefore, 'no ticket stored');

      // The sync push takes a big batch (here an empty, padded one: refused by its schema, not by size).
      const push = await fetch(`${shop.central.url}/api/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registerToken(shop)}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        body: JSON.stringify({ records: [], padding: 'x'.repeat(200 * 1024) }),
      });
      await push.text();
      assert.notEqual(push.status, 413, 'the push is not held to 64 KB');
      // The catalog import takes a big CSV.
      const rows = Array.from({ length: 2000 }, (_, i) => `HARD-${String(i).padStart(5, '0')};Article de test numéro ${i} avec un libellé assez long;199;2000;Tests;`);
      const csv = ['sku;label;priceCents;vatRate;category;barcodes', ...rows].join('\n');
      assert.ok(csv.length > 100 * 1024);
      const imported = await fetch(`${shop.central.url}/api/catalog/import`, { method: 'POST', headers: { authorization: `Bearer ${shop.adminToken}`, 'content-type': 'text/csv' }, body: csv });
      const report = (await imported.json()) as { created: number };
      assert.equal(imported.status, 200, JSON.stringify(report));
      assert.equal(report.created, 2000);
      await waitForDrained(reg);
    });

    it(`a body trickled byte by byte, or headers never finished, are cut after the request timeout (${TIMEOUT_S} s here)`, async () => {
      const reg = shop.registers[0]!;
      // The four slow clients at once (each measures its own time to the cut).
      await Promise.all(
        ([['central', shop.central.port], ['register', reg.process.port]] as const).map(async ([name, port]) => {
          const [body, headers] = await Promise.all([
            trickle(port, `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{`, 10_000),
            trickle(port, `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `, 10_000),
          ]);
          assert.ok(body.ms >= TIMEOUT_S * 1000 - 200, `${name}: not cut before the timeout (${body.ms} ms)`);
          assert.ok(body.ms < TIMEOUT_S * 1000 + 3000, `${name}: trickled body cut within the timeout and a check interval (${body.ms} ms)`);
          assert.match(body.answer, /^HTTP\/1\.1 408|^$/, `${name}: 408 or a plain close`);
          assert.ok(headers.ms >= TIMEOUT_S * 1000 - 200, `${name}: unfinished headers not cut before the timeout (${headers.ms} ms)`);
          assert.ok(headers.ms < TIMEOUT_S * 1000 + 3000, `${name}: unfinished headers cut (${headers.ms} ms)`);
        }),
      );
      // The servers still answer everyone else.
      assert.equal((await http(shop.central.url, 'GET', '/api/health')).status, 200);
      assert.equal((await http(reg.process.url, 'GET', '/api/status')).status, 200);
    });

    it('a register token holds at most two event streams: the third is 429 with Retry-After', async () => {
      const token = registerToken(shop);
      // The register's own stream goes away with it.
      await shop.registers[0]!.process.handle.stop();
      const open: Awaited<ReturnType<typeof openStream>>[] = [];
      try {
        await eventually('two streams open once the register is gone', async () => {
          const s = await openStream(shop.central.url, token);
          if (s.status === 200) open.push(s);
          return open.length === 2;
        });
        const third = await openStream(shop.central.url, token);
        assert.equal(third.status, 429);
        assert.ok(Number(third.retryAfter) > 0, 'Retry-After');
        open.shift()!.close();
        await eventually('a stream closed frees its place', async () => {
          const s = await openStream(shop.central.url, token);
          if (s.status === 200) open.push(s);
          return s.status === 200;
        });
        assert.equal((await openStream(shop.central.url, token)).status, 429, 'still two at most');
      } finally {
        for (const s of open) s.close();
      }
    });
  });
}
