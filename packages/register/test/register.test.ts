// Register agent against a STAND-IN central (test/stub-central.ts) until packages/central lands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyRecord } from '@comptoir/domain';
import { snapshotChecksum, type SignedRecord } from '@comptoir/protocol';
import { createSale, readCopy, type RunningRegister } from '../src/index';
import { StubCentral, snapshotOf } from './stub-central';
import { api, eventually, startTestRegister, tmp } from './helpers';

const cash = (amountCents: number) => ({ method: 'cash', amountCents });

describe('register agent (enrolled, connected)', () => {
  const central = new StubCentral();
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister;
  let token: string;

  before(async () => {
    await central.start();
    dir = await tmp();
    reg = await startTestRegister(dir.path, central.url, { enrolCode: 'ENROL-0001' });
    const login = await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'alice', pin: '1234' } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.token;
  });
  after(async () => {
    await reg?.close();
    await central.stop();
    await dir?.cleanup();
  });

  const ticketRecords = () => reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'ticket'").get() as { n: number };
  const ticketRows = () => reg.ctx.sqlite.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number };
  const stockOf = (sku: string) => (reg.ctx.sqlite.prepare('SELECT quantity FROM stock_levels WHERE sku = ?').get(sku) as { quantity: number }).quantity;

  test('enrolment stores identity and makes a verified first copy, with signed events', async () => {
    const st = await api(reg.url, 'GET', '/api/status');
    assert.equal(st.status, 200);
    assert.equal(st.body.enrolled, true);
    assert.equal(st.body.registerId, 'reg-1');
    assert.equal(st.body.storeId, 'store-1');
    assert.equal(st.body.mode, 'connected');
    assert.equal(st.body.lastSosCopyKind, 'enrolment');
    const { manifest, ...body } = snapshotOf(central.state);
    assert.equal(st.body.sosChecksum, snapshotChecksum(body));
    assert.equal(st.body.changeVersion, manifest.changeVersion);
    assert.equal(snapshotChecksum(readCopy(reg.ctx)), manifest.checksum, 'what was stored is exactly what central sent');
    const products = (reg.ctx.sqlite.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
    assert.equal(products, 4);
    // enrolment, sos_copy, register_start, login … reach central in order
    const events = await eventually(() => {
      const evs = central.state.chains.get('reg-1/event') ?? [];
      return evs.length >= 4 ? evs : false;
    });
    assert.deepEqual(
      events.slice(0, 4).map((e) => (e.payload as { event: string }).event),
      ['enrolment', 'sos_copy', 'register_start', 'login'],
    );
  });

  test('PIN login: a wrong PIN or unknown login is 401, a malformed body 400', async () => {
    assert.equal((await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'alice', pin: '9999' } })).status, 401);
    assert.equal((await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'bob', pin: '1234' } })).status, 401);
    const bad = await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'alice' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION');
    assert.equal((await api(reg.url, 'POST', '/api/sales', { body: { lines: [], payments: [] } })).status, 401);
  });

  test('a sale is priced locally, numbered, signed, moves stock and is integrated', async () => {
    const before = stockOf('CAFE');
    const res = await api(reg.url, 'POST', '/api/sales', {
      token,
      body: { lines: [{ sku: 'CAFE', quantity: 2 }, { sku: '3000000000028', quantity: 1 }], payments: [cash(2500)] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const sale = res.body;
    assert.equal(sale.totalCents, 2 * 450 + 1290);
    assert.equal(sale.changeCents, 2500 - 2190);
    assert.equal(sale.soldOffline, false);
    assert.equal(sale.lines[1].sku, 'VIN', 'barcode resolved to its SKU');
    assert.equal(stockOf('CAFE'), before - 2);
    const rec = reg.ctx.sqlite.prepare("SELECT * FROM records WHERE chain = 'ticket' AND number = ?").get(sale.number) as any;
    const pub = central.state.registers.get('reg-1')!.publicKeyPem;
    const signable = { registerId: 'reg-1', chain: 'ticket', number: rec.number, recordedAt: rec.recorded_at, payload: JSON.parse(rec.payload), prevSignature: rec.prev_signature };
    assert.ok(verifyRecord(pub, signable, sale.signature));
    const centralTickets = await eventually(() => {
      const t = central.state.chains.get('reg-1/ticket') ?? [];
      return t.some((r) => r.number === sale.number) ? t : false;
    }, 2000);
    assert.equal(centralTickets[sale.number - 1]!.signature, sale.signature);
    const t = await eventually(async () => {
      const r = await api(reg.url, 'GET', `/api/tickets/${sale.number}`, { token });
      return r.body.integratedAt ? r.body : false;
    });
    assert.equal(t.kind, 'sale');
    assert.equal(t.cashierId, 'cashier-1');
    // The acknowledgement commit skips its fsync; every sale after it is durable again (FULL = 2).
    assert.equal(reg.ctx.sqlite.pragma('synchronous', { simple: true }), 2);
  });

  test('the sale service commits record + outbox row before any push', () => {
    const actor = { cashierId: 'cashier-1', role: 'cashier', displayName: 'Alice' };
    const out = createSale(reg.ctx, { lines: [{ sku: 'LIVRE', quantity: 1 }], payments: [{ method: 'card', amountCents: 799 }] }, actor);
    assert.equal(out.created, true);
    const row = reg.ctx.sqlite.prepare("SELECT * FROM outbox WHERE chain = 'ticket' AND number = ?").get(out.sale.number);
    assert.ok(row, 'outbox row written in the same transaction');
  });

  test('bad inputs are refused with 4xx and nothing is stored', async () => {
    const records = ticketRecords().n;
    const tickets = ticketRows().n;
    const cases: [unknown, number, string][] = [
      [{ lines: [{ sku: 'NOPE', quantity: 1 }], payments: [cash(1000)] }, 422, 'UNKNOWN_PRODUCT'],
      [{ lines: [{ sku: 'OLD', quantity: 1 }], payments: [cash(1000)] }, 422, 'UNKNOWN_PRODUCT'],
      [{ lines: [{ sku: 'CAFE', quantity: 1 }], payments: [cash(100)] }, 422, 'PAYMENT_REFUSED'],
      [{ lines: [{ sku: 'CAFE', quantity: 1 }], payments: [{ method: 'card', amountCents: 500 }] }, 422, 'PAYMENT_REFUSED'],
      [{ lines: [{ sku: 'CAFE', quantity: 1 }], payments: [cash(450)], customerId: 'ghost' }, 422, 'UNKNOWN_CUSTOMER'],
      [{ lines: [{ sku: 'CAFE', quantity: 0 }], payments: [cash(450)] }, 400, 'VALIDATION'],
      [{ lines: [{ sku: 'CAFE', quantity: 1 }], payments: [{ method: 'bitcoin', amountCents: 450 }] }, 400, 'VALIDATION'],
      [{ lines: 'CAFE' }, 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api(reg.url, 'POST', '/api/sales', { token, body });
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
    }
    const malformed = await api(reg.url, 'POST', '/api/sales', { token, raw: '{"lines": [' });
    assert.equal(malformed.status, 400);
    assert.equal(ticketRecords().n, records);
    assert.equal(ticketRows().n, tickets);
  });

  test('clientSaleId makes a retry return the existing ticket', async () => {
    const body = { lines: [{ sku: 'CAFE', quantity: 1 }], payments: [cash(500)], clientSaleId: randomUUID() };
    const first = await api(reg.url, 'POST', '/api/sales', { token, body });
    const again = await api(reg.url, 'POST', '/api/sales', { token, body });
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.number, first.body.number);
    assert.equal(again.body.signature, first.body.signature);
  });

  test('50 concurrent sales get 50 gapless numbers', async () => {
    const head = ticketRecords().n;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: 'CAFE', quantity: 1 }], payments: [cash(450)] } })),
    );
    assert.ok(results.every((r) => r.status === 201));
    const numbers = results.map((r) => r.body.number as number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => head + 1 + i));
    const centralTickets = await eventually(() => {
      const t = central.state.chains.get('reg-1/ticket') ?? [];
      return t.length === head + 50 ? t : false;
    });
    assert.deepEqual(centralTickets.map((r) => r.number), Array.from({ length: head + 50 }, (_, i) => i + 1));
  });

  test('a partial return is a negative ticket and cannot exceed what was sold', async () => {
    const sale = await api(reg.url, 'POST', '/api/sales', {
      token,
      body: { lines: [{ sku: 'VIN', quantity: 3, discountCents: 90 }, { sku: 'CAFE', quantity: 1 }], payments: [cash(5000)] },
    });
    assert.equal(sale.status, 201);
    const vinStock = stockOf('VIN');
    // 3 × 12.90 − 0.90 = 37.80; returning 2 refunds 2 × 12.90 − 0.60 = 25.20
    const ret = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 2 }], refunds: [cash(2520)] },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    assert.equal(ret.body.kind, 'return');
    assert.equal(ret.body.totalCents, -2520);
    assert.deepEqual(ret.body.payments, [{ method: 'cash', amountCents: -2520 }]);
    assert.equal(ret.body.lines[0].quantity, -2);
    assert.equal(stockOf('VIN'), vinStock + 2);
    const tooMuch = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 2 }], refunds: [cash(2520)] },
    });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.code, 'RETURN_REFUSED');
    const wrongRefund = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(100)] },
    });
    assert.equal(wrongRefund.status, 422);
    assert.equal(wrongRefund.body.error.code, 'PAYMENT_REFUSED');
    const last = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(1260)] },
    });
    assert.equal(last.status, 201, JSON.stringify(last.body));
    assert.equal(last.body.totalCents, -1260, 'all partial refunds together equal the line total');
    const t = await api(reg.url, 'GET', `/api/tickets/${last.body.number}`, { token });
    assert.deepEqual(t.body.original, { registerId: 'reg-1', number: sale.body.number });
  });

  test('lookups: tickets, products, customers; status fields', async () => {
    const list = await api(reg.url, 'GET', '/api/tickets?limit=5', { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 5);
    assert.ok(list.body.total >= 50);
    assert.equal((await api(reg.url, 'GET', '/api/tickets/99999', { token })).status, 404);
    const p = await api(reg.url, 'GET', '/api/products?q=caf', { token });
    assert.deepEqual(p.body.items.map((x: any) => x.sku), ['CAFE']);
    assert.equal(typeof p.body.items[0].stock, 'number');
    const byCode = await api(reg.url, 'GET', '/api/products?q=3000000000028', { token });
    assert.deepEqual(byCode.body.items.map((x: any) => x.sku), ['VIN']);
    const c = await api(reg.url, 'GET', '/api/customers?q=curie', { token });
    assert.deepEqual(c.body.items.map((x: any) => x.id), ['cust-1']);
    const st = await eventually(async () => {
      const s = await api(reg.url, 'GET', '/api/status');
      return s.body.pendingRecords === 0 ? s.body : false;
    });
    for (const k of ['registerId', 'mode', 'pendingRecords', 'lastSosCopyAt', 'sosSchedule', 'blockedChains', 'lastContactAt', 'changeVersion']) {
      assert.ok(k in st, k);
    }
  });

  test('incremental refresh follows central changes; schedule applied from heartbeat', async () => {
    central.state.changeVersion = 11;
    const p = central.state.products.get('CAFE')!;
    central.state.products.set('CAFE', { ...p, priceCents: 480, version: 11 });
    central.state.sosSchedule = ['0 0 12 * * *'];
    await eventually(async () => (await api(reg.url, 'GET', '/api/status')).body.changeVersion === 11);
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: 'CAFE', quantity: 1 }], payments: [cash(480)] } });
    assert.equal(r.body.totalCents, 480);
    await eventually(async () => (await api(reg.url, 'GET', '/api/status')).body.sosSchedule[0] === '0 0 12 * * *');
  });

  test('manual SOS copy needs a session and returns a verified result', async () => {
    assert.equal((await api(reg.url, 'POST', '/api/sos-copy')).status, 401);
    const r = await api(reg.url, 'POST', '/api/sos-copy', { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'manual');
    assert.equal(r.body.counts.products, 4);
    const { manifest } = snapshotOf(central.state);
    assert.equal(r.body.checksum, manifest.checksum);
  });

  test('a copy whose checksum does not match is refused and the previous copy stays', async () => {
    central.state.corruptSnapshot = true;
    const r = await api(reg.url, 'POST', '/api/sos-copy', { token });
    central.state.corruptSnapshot = false;
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'COPY_REJECTED');
    const price = (reg.ctx.sqlite.prepare("SELECT price_cents FROM products WHERE sku = 'VIN'").get() as { price_cents: number }).price_cents;
    assert.equal(price, 1290);
  });

  test('records are append-only (database triggers)', () => {
    assert.throws(() => reg.ctx.sqlite.prepare("UPDATE records SET payload = '{}' WHERE chain = 'ticket' AND number = 1").run(), /append-only/);
    assert.throws(() => reg.ctx.sqlite.prepare("DELETE FROM records WHERE chain = 'ticket'").run(), /append-only/);
    assert.throws(() => reg.ctx.sqlite.prepare('UPDATE tickets SET total_cents = 0').run(), /append-only/);
  });

  test('every record reached central exactly once, in chain order', async () => {
    await eventually(() => reg.ctx.q.outboxCount.get()!.n === 0);
    const local = reg.ctx.sqlite.prepare('SELECT chain, number, signature FROM records ORDER BY chain, number').all() as Pick<SignedRecord, 'chain' | 'number' | 'signature'>[];
    const seen = new Map<string, number>();
    for (const r of central.state.integratedLog) seen.set(`${r.chain}/${r.number}`, (seen.get(`${r.chain}/${r.number}`) ?? 0) + 1);
    for (const r of local) assert.equal(seen.get(`${r.chain}/${r.number}`), 1, `${r.chain} #${r.number}`);
  });
});

describe('register agent without enrolment', () => {
  test('starts, says enrolled:false, refuses sales with NOT_ENROLLED', async () => {
    const dir = await tmp();
    const reg = await startTestRegister(dir.path, 'http://127.0.0.1:9');
    try {
      const st = await api(reg.url, 'GET', '/api/status');
      assert.equal(st.body.enrolled, false);
      assert.equal(st.body.registerId, null);
      const sale = await api(reg.url, 'POST', '/api/sales', { token: 'x', body: { lines: [{ sku: 'A', quantity: 1 }], payments: [] } });
      assert.equal(sale.status, 409);
      assert.equal(sale.body.error.code, 'NOT_ENROLLED');
      const login = await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'alice', pin: '1234' } });
      assert.equal(login.body.error.code, 'NOT_ENROLLED');
    } finally {
      await reg.close();
      await dir.cleanup();
    }
  });
});
