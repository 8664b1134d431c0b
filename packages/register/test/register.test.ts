// The register agent (in-process, its own factory) against the REAL central server (`comptoir
// central` in its own process on a throwaway SQLite file, demo shop), reached through a relay that
// is transparent until a test asks it to alter one copy in transit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventually, http } from '@comptoir/testing';
import { verifyRecord } from '@comptoir/domain';
import { COPY_WITH, type Product, type Snapshot } from '@comptoir/protocol';
import { snapshotChecksum } from '@comptoir/protocol/node';
import { createSale, readCopy, type RunningRegister } from '../src/index';
import { DEMO_CUSTOMER, DEMO_SKUS, FAR_SCHEDULE, TestCentral, assertIntegratedExactlyOnce } from './support/central';
import { startCorruptingRelay, type CorruptingRelay } from './support/corrupting-relay';
import { api, cashierSession, startTestRegister, tmp } from './helpers';

const cash = (amountCents: number) => ({ method: 'cash', amountCents });

describe('register agent (enrolled, connected)', () => {
  let central: TestCentral;
  let relay: CorruptingRelay;
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister;
  let registerId: string;
  let token: string;
  let cashierId: string;
  let coffee: Product;
  let wine: Product;
  let pasta: Product;
  /** Central's stock of every product sold here, before the register's first sale. */
  let initialStock: Map<string, number>;

  before(async () => {
    central = await TestCentral.start();
    relay = await startCorruptingRelay({ host: '127.0.0.1', port: central.port });
    [coffee, wine, pasta] = await Promise.all([central.product(DEMO_SKUS.coffee), central.product(DEMO_SKUS.wine), central.product(DEMO_SKUS.pasta)]);
    initialStock = await central.stocks(Object.values(DEMO_SKUS));
    const created = await central.createRegister('Caisse 1');
    registerId = created.id;
    await central.setSosSchedule(registerId, FAR_SCHEDULE);
    dir = await tmp();
    reg = await startTestRegister(dir.path, relay.url, { enrolCode: created.enrolCode });
    ({ token, cashierId } = await cashierSession(reg, central.cashier));
  });
  after(async () => {
    await reg?.close();
    await relay?.close();
    await central?.stop();
    await dir?.cleanup();
  });

  const ticketRecords = () => reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'ticket'").get() as { n: number };
  const ticketRows = () => reg.ctx.sqlite.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number };
  const stockOf = (sku: string) => (reg.ctx.sqlite.prepare('SELECT quantity FROM stock_levels WHERE sku = ?').get(sku) as { quantity: number }).quantity;
  const status = async () => (await api(reg.url, 'GET', '/api/status')).body;
  /** What central serves as this register's copy right now (its own sync API, the register's token). */
  const centralSnapshot = async (): Promise<Snapshot> => {
    const r = await http<Snapshot>(central.url, 'GET', `/api/sync/snapshot?with=${COPY_WITH}`, { token: reg.ctx.identity!.token });
    assert.equal(r.status, 200);
    return r.body;
  };
  const drained = () => eventually('outbox drained', async () => reg.status().mode === 'connected' && reg.status().pendingRecords === 0);

  test('enrolment stores identity and makes a verified first copy, with signed events', async () => {
    const st = await status();
    assert.equal(st.enrolled, true);
    assert.equal(st.registerId, registerId);
    assert.equal(st.storeId, central.storeId);
    assert.equal(st.mode, 'connected');
    assert.equal(st.lastSosCopyKind, 'enrolment');
    // Nothing changed at central since the enrolment copy: it still serves that very copy.
    const { manifest } = await centralSnapshot();
    assert.equal(st.sosChecksum, manifest.checksum);
    assert.equal(st.changeVersion, manifest.changeVersion);
    assert.equal(snapshotChecksum(readCopy(reg.ctx)), manifest.checksum, 'what was stored is exactly what central sent');
    const products = (reg.ctx.sqlite.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
    assert.equal(products, await central.productTotal());
    // enrolment, key_start (the enrolled key's start), sos_copy, register_start reach central in order,
    // then the login and the schedule central set before enrolment (config_change, applied from the
    // first heartbeat), in either order.
    const events = await eventually('first events at central', async () => {
      const evs = central.events(registerId);
      return evs.length >= 6 ? evs : null;
    });
    assert.deepEqual(events.slice(0, 4), ['enrolment', 'key_start', 'sos_copy', 'register_start']);
    assert.deepEqual(events.slice(4, 6).sort(), ['config_change', 'login']);
    // The heartbeat told central about the register and its copy (fleet status).
    const row = await eventually('fleet shows the register connected with its copy', async () => {
      const r = await central.fleetRow(registerId);
      return r.mode === 'connected' && r.sosChecksum === st.sosChecksum ? r : null;
    });
    assert.equal(row.lastSosCopyKind, 'enrolment');
    assert.equal(row.storeId, central.storeId);
  });

  test('PIN login: a wrong PIN or unknown login is 401, a malformed body 400', async () => {
    assert.equal((await api(reg.url, 'POST', '/api/auth/login', { body: { login: central.cashier.login, pin: '0000' } })).status, 401);
    assert.equal((await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'bob', pin: central.cashier.pin } })).status, 401);
    const bad = await api(reg.url, 'POST', '/api/auth/login', { body: { login: central.cashier.login } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION');
    assert.equal((await api(reg.url, 'POST', '/api/sales', { body: { lines: [], payments: [] } })).status, 401);
  });

  test('a sale is priced locally, numbered, signed, moves stock and is integrated', async () => {
    const before = stockOf(coffee.sku);
    const total = 2 * coffee.priceCents + wine.priceCents;
    const res = await api(reg.url, 'POST', '/api/sales', {
      token,
      body: { lines: [{ sku: coffee.sku, quantity: 2 }, { sku: wine.barcodes[0], quantity: 1 }], payments: [cash(total + 310)] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const sale = res.body;
    assert.equal(sale.totalCents, total);
    assert.equal(sale.changeCents, 310);
    assert.equal(sale.soldOffline, false);
    assert.equal(sale.lines[1].sku, wine.sku, 'barcode resolved to its SKU');
    assert.equal(stockOf(coffee.sku), before - 2);
    // Signed with the key central registered at enrolment.
    const rec = reg.ctx.sqlite.prepare("SELECT * FROM records WHERE chain = 'ticket' AND number = ?").get(sale.number) as any;
    const signable = { registerId, chain: 'ticket', number: rec.number, recordedAt: rec.recorded_at, payload: JSON.parse(rec.payload), prevSignature: rec.prev_signature, keyId: rec.key_id };
    assert.ok(verifyRecord(central.publicKeyOf(registerId), signable, sale.signature));
    const atCentral = await eventually('the sale integrated at central', async () =>
      (await central.tickets(registerId)).find((t) => t.number === sale.number),
    );
    assert.equal(atCentral.signature, sale.signature);
    assert.equal(atCentral.totalCents, total);
    assert.equal(atCentral.soldOffline, false);
    assert.equal(atCentral.cashierId, cashierId);
    assert.deepEqual(atCentral.anomalies, []);
    assert.equal(await central.stock(coffee.sku), initialStock.get(coffee.sku)! - 2, 'central stock moved by the sale');
    assert.equal(await central.stock(wine.sku), initialStock.get(wine.sku)! - 1);
    const t = await eventually('integratedAt on the local ticket', async () => {
      const r = await api(reg.url, 'GET', `/api/tickets/${sale.number}`, { token });
      return r.body.integratedAt ? r.body : null;
    });
    assert.equal(t.kind, 'sale');
    assert.equal(t.cashierId, cashierId);
    // The acknowledgement commit skips its fsync; every sale after it is durable again (FULL = 2).
    assert.equal(reg.ctx.sqlite.pragma('synchronous', { simple: true }), 2);
  });

  test('the sale service commits record + outbox row before any push', () => {
    const actor = { cashierId, login: 'caisse', role: 'cashier', displayName: 'Caissier' };
    const out = createSale(reg.ctx, { lines: [{ sku: pasta.sku, quantity: 1 }], payments: [{ method: 'card', amountCents: pasta.priceCents }] }, actor);
    assert.equal(out.created, true);
    const row = reg.ctx.sqlite.prepare("SELECT * FROM outbox WHERE chain = 'ticket' AND number = ?").get(out.sale.number);
    assert.ok(row, 'outbox row written in the same transaction');
  });

  test('bad inputs are refused with 4xx and nothing is stored', async () => {
    // A product withdrawn at central reaches the copy through the incremental refresh, inactive.
    const withdrawn = 'PRE-001';
    const listed = async () => (await api(reg.url, 'GET', `/api/products?q=${withdrawn}`, { token })).body.items.length as number;
    assert.equal(await listed(), 1);
    central.deactivateProduct(withdrawn);
    await eventually('the withdrawn product left the copy', async () => (await listed()) === 0);

    const records = ticketRecords().n;
    const tickets = ticketRows().n;
    const price = coffee.priceCents;
    const cases: [unknown, number, string][] = [
      [{ lines: [{ sku: 'NOPE', quantity: 1 }], payments: [cash(1000)] }, 422, 'UNKNOWN_PRODUCT'],
      [{ lines: [{ sku: withdrawn, quantity: 1 }], payments: [cash(1000)] }, 422, 'UNKNOWN_PRODUCT'],
      [{ lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(price - 1)] }, 422, 'PAYMENT_REFUSED'],
      [{ lines: [{ sku: coffee.sku, quantity: 1 }], payments: [{ method: 'card', amountCents: price + 50 }] }, 422, 'PAYMENT_REFUSED'],
      [{ lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(price)], customerId: 'ghost' }, 422, 'UNKNOWN_CUSTOMER'],
      [{ lines: [{ sku: coffee.sku, quantity: 0 }], payments: [cash(price)] }, 400, 'VALIDATION'],
      [{ lines: [{ sku: coffee.sku, quantity: 1 }], payments: [{ method: 'bitcoin', amountCents: price }] }, 400, 'VALIDATION'],
      [{ lines: coffee.sku }, 400, 'VALIDATION'],
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
    const body = { lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(coffee.priceCents + 50)], clientSaleId: randomUUID() };
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
      Array.from({ length: 50 }, () => api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(coffee.priceCents)] } })),
    );
    assert.ok(results.every((r) => r.status === 201));
    const numbers = results.map((r) => r.body.number as number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => head + 1 + i));
    const atCentral = await eventually('the 50 sales integrated at central', async () => {
      const t = await central.tickets(registerId);
      return t.length === head + 50 ? t : null;
    });
    assert.deepEqual(atCentral.map((t) => t.number), Array.from({ length: head + 50 }, (_, i) => i + 1));
  });

  test('a partial return is a negative ticket and cannot exceed what was sold', async () => {
    const unit = wine.priceCents;
    const sale = await api(reg.url, 'POST', '/api/sales', {
      token,
      body: { lines: [{ sku: wine.sku, quantity: 3, discountCents: 90 }, { sku: coffee.sku, quantity: 1 }], payments: [cash(3 * unit + coffee.priceCents)] },
    });
    assert.equal(sale.status, 201);
    const wineStock = stockOf(wine.sku);
    // 3 units with 0.90 off; returning 2 refunds 2 units less their share of the discount (0.60)
    const ret = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 2 }], refunds: [cash(2 * unit - 60)] , approval: central.manager },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    assert.equal(ret.body.kind, 'return');
    assert.equal(ret.body.totalCents, -(2 * unit - 60));
    assert.deepEqual(ret.body.payments, [{ method: 'cash', amountCents: -(2 * unit - 60) }]);
    assert.equal(ret.body.lines[0].quantity, -2);
    assert.equal(stockOf(wine.sku), wineStock + 2);
    const tooMuch = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 2 }], refunds: [cash(2 * unit - 60)] , approval: central.manager },
    });
    // Connected, central counts the units (returns at any register of the store): already refunded, 409.
    assert.equal(tooMuch.status, 409, JSON.stringify(tooMuch.body));
    assert.equal(tooMuch.body.error.code, 'RETURN_ALREADY_REFUNDED');
    const wrongRefund = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(100)] , approval: central.manager },
    });
    assert.equal(wrongRefund.status, 422);
    assert.equal(wrongRefund.body.error.code, 'PAYMENT_REFUSED');
    const last = await api(reg.url, 'POST', '/api/returns', {
      token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(unit - 30)] , approval: central.manager },
    });
    assert.equal(last.status, 201, JSON.stringify(last.body));
    assert.equal(last.body.totalCents, -(unit - 30), 'all partial refunds together equal the line total');
    const t = await api(reg.url, 'GET', `/api/tickets/${last.body.number}`, { token });
    assert.deepEqual(t.body.original, { registerId, number: sale.body.number });
    // Central integrates it as a return of that very ticket.
    const atCentral = await eventually('the return integrated at central', async () =>
      (await central.tickets(registerId)).find((x) => x.number === last.body.number),
    );
    assert.equal(atCentral.kind, 'return');
    assert.equal(atCentral.totalCents, -(unit - 30));
    assert.deepEqual(atCentral.original, { registerId, number: sale.body.number });
  });

  test('lookups: tickets, products, customers; status fields', async () => {
    const list = await api(reg.url, 'GET', '/api/tickets?limit=5', { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 5);
    assert.ok(list.body.total >= 50);
    assert.equal((await api(reg.url, 'GET', '/api/tickets/99999', { token })).status, 404);
    const p = await api(reg.url, 'GET', `/api/products?q=${coffee.sku}`, { token });
    assert.deepEqual(p.body.items.map((x: any) => x.sku), [coffee.sku]);
    assert.equal(typeof p.body.items[0].stock, 'number');
    const byCode = await api(reg.url, 'GET', `/api/products?q=${wine.barcodes[0]}`, { token });
    assert.deepEqual(byCode.body.items.map((x: any) => x.sku), [wine.sku]);
    const c = await api(reg.url, 'GET', `/api/customers?q=${DEMO_CUSTOMER.search}`, { token });
    assert.deepEqual(c.body.items.map((x: any) => x.id), [DEMO_CUSTOMER.id]);
    const st = await eventually('nothing pending', async () => {
      const s = await status();
      return s.pendingRecords === 0 ? s : null;
    });
    for (const k of ['registerId', 'mode', 'pendingRecords', 'lastSosCopyAt', 'sosSchedule', 'blockedChains', 'lastContactAt', 'changeVersion']) {
      assert.ok(k in st, k);
    }
  });

  test('incremental refresh follows central changes; schedule applied from heartbeat', async () => {
    const newPrice = coffee.priceCents + 21;
    await central.setPrice(coffee.sku, newPrice);
    await eventually('the new price in the copy', async () => {
      const r = await api(reg.url, 'GET', `/api/products?q=${coffee.sku}`, { token });
      return r.body.items[0]?.priceCents === newPrice;
    });
    await eventually('the copy caught up with central', async () => (await status()).changeVersionLag === 0);
    assert.equal((await status()).lastSosCopyKind, 'enrolment', 'refreshed incrementally, not by a full copy');
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(newPrice)] } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.totalCents, newPrice);
    const atCentral = await eventually('the sale at the new price integrated', async () =>
      (await central.tickets(registerId)).find((t) => t.number === r.body.number),
    );
    assert.ok(!atCentral.anomalies.some((a) => a.startsWith('price_differs')), `sold at central's price: ${atCentral.anomalies.join(', ')}`);

    await central.setSosSchedule(registerId, ['0 0 12 * * *']);
    await eventually('the schedule applied from the heartbeat', async () => (await status()).sosSchedule[0] === '0 0 12 * * *');
    const row = await eventually('fleet shows the next copy', async () => {
      const f = await central.fleetRow(registerId);
      return f.nextSosCopyAt && f.nextSosCopyAt === (await status()).nextSosCopyAt ? f : null;
    });
    assert.deepEqual(row.sosSchedule, ['0 0 12 * * *']);
  });

  test('manual SOS copy needs a session and returns a verified result', async () => {
    assert.equal((await api(reg.url, 'POST', '/api/sos-copy')).status, 401);
    await drained(); // central's stock no longer moves: its copy is stable while compared
    const r = await api(reg.url, 'POST', '/api/sos-copy', { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'manual');
    assert.equal(r.body.counts.products, await central.productTotal());
    const { manifest } = await centralSnapshot();
    assert.equal(r.body.checksum, manifest.checksum);
    assert.equal((await status()).sosChecksum, r.body.checksum);
  });

  test('a copy whose checksum does not match is refused and the previous copy stays', async () => {
    const before = await status();
    relay.corruptNextCopy();
    const r = await api(reg.url, 'POST', '/api/sos-copy', { token });
    assert.equal(relay.corrupted, 1, 'the copy was altered in transit');
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'COPY_REJECTED');
    assert.match(r.body.error.message, /checksum/);
    const afterRefusal = await status();
    assert.equal(afterRefusal.sosChecksum, before.sosChecksum, 'previous copy still the one in use');
    assert.equal(afterRefusal.lastSosCopyAt, before.lastSosCopyAt);
    assert.equal(snapshotChecksum(readCopy(reg.ctx)), before.sosChecksum, 'the copy in use is intact, row for row');
  });

  test('records are append-only (database triggers)', () => {
    assert.throws(() => reg.ctx.sqlite.prepare("UPDATE records SET payload = '{}' WHERE chain = 'ticket' AND number = 1").run(), /append-only/);
    assert.throws(() => reg.ctx.sqlite.prepare("DELETE FROM records WHERE chain = 'ticket'").run(), /append-only/);
    assert.throws(() => reg.ctx.sqlite.prepare('UPDATE tickets SET total_cents = 0').run(), /append-only/);
  });

  test('every record reached central exactly once, in chain order', async () => {
    await drained();
    await assertIntegratedExactlyOnce(central, reg, initialStock);
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
