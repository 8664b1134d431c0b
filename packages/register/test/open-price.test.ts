// Open-price items (issue 12 item 4) at a real register enrolled at the real central process: the
// item reaches the register's copy (streamed full copy at enrolment, then changes), a sale line of
// it carries the price the cashier typed (above 0, at most the cap), a price typed for any other
// product is refused, every refusal writes nothing, and the signed ticket holds the price charged —
// also when sold offline from the copy alone, then integrated by central without a price anomaly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TicketPayload } from '@comptoir/protocol';
import { eventually, http } from '@comptoir/testing';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';

const centralOfFile = centralPerFile();
const OPEN = { sku: 'DIVERS-OP', label: 'Divers (prix libre)', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: ['2990000000017'], openPrice: true, openPriceMaxCents: 5000 };

describe('open-price items at the till', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  before(async () => {
    central = await centralOfFile();
    const created = await http(central.url, 'POST', '/api/products', { token: central.adminToken, body: OPEN });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    env = await startEnrolledRegister(central, 'Caisse prix libre');
  });
  after(async () => env?.close());

  const sell = (lines: unknown[], amountCents = 100_000) =>
    api(env.reg.url, 'POST', '/api/sales', { token: env.token, body: { lines, payments: [{ method: 'cash', amountCents }] } });
  const ticketCount = () => (env.reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'ticket'").get() as { n: number }).n;
  const signedLines = (number: number) => {
    const row = env.reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number = ?").get(number) as { payload: string };
    return (JSON.parse(row.payload) as TicketPayload).lines.map((l) => [l.sku, l.quantity, l.unitPriceCents, l.totalCents]);
  };

  test('the copy made at enrolment holds the item with its cap; the till lists it so (by search and by its barcode)', async () => {
    const listed = await api(env.reg.url, 'GET', `/api/products?q=${OPEN.sku}`, { token: env.token });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((p: any) => [p.sku, p.openPriceMaxCents]), [[OPEN.sku, 5000]]);
    const scanned = await api(env.reg.url, 'GET', `/api/products/by-code/${OPEN.barcodes[0]}`, { token: env.token });
    assert.equal(scanned.status, 200, JSON.stringify(scanned.body));
    assert.equal(scanned.body.openPriceMaxCents, 5000);
    const normal = await api(env.reg.url, 'GET', `/api/products?q=${DEMO_SKUS.coffee}`, { token: env.token });
    assert.equal(normal.body.items[0].openPriceMaxCents, null);
  });

  test('a typed price up to the cap is charged and signed; none, above the cap, zero, or a price for a catalog-priced product is refused and writes nothing', async () => {
    const before = ticketCount();
    const refusals: [unknown[], number, string][] = [
      [[{ sku: OPEN.sku, quantity: 1 }], 422, 'OPEN_PRICE_REQUIRED'],
      [[{ sku: OPEN.sku, quantity: 1, unitPriceCents: 5001 }], 422, 'OPEN_PRICE_ABOVE_CAP'],
      [[{ sku: OPEN.barcodes[0], quantity: 1, unitPriceCents: 9999 }], 422, 'OPEN_PRICE_ABOVE_CAP'],
      [[{ sku: OPEN.sku, quantity: 1, unitPriceCents: 0 }], 400, 'VALIDATION'],
      [[{ sku: DEMO_SKUS.coffee, quantity: 1, unitPriceCents: 10 }], 422, 'PRICE_NOT_OPEN'],
    ];
    for (const [lines, status, code] of refusals) {
      const r = await sell(lines);
      assert.equal(r.status, status, `${JSON.stringify(lines)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
    }
    assert.equal(ticketCount(), before, 'no refusal wrote a ticket');

    const sold = await sell([{ sku: OPEN.sku, quantity: 2, unitPriceCents: 1250 }, { sku: OPEN.sku, quantity: 1, unitPriceCents: 5000 }, { sku: DEMO_SKUS.coffee, quantity: 1 }]);
    assert.equal(sold.status, 201, JSON.stringify(sold.body));
    const coffee = await central.product(DEMO_SKUS.coffee);
    assert.equal(sold.body.totalCents, 2 * 1250 + 5000 + coffee.priceCents);
    assert.deepEqual(signedLines(sold.body.number), [
      [OPEN.sku, 2, 1250, 2500],
      [OPEN.sku, 1, 5000, 5000],
      [DEMO_SKUS.coffee, 1, coffee.priceCents, coffee.priceCents],
    ]);
  });

  test('a new cap reaches the till through changes', async () => {
    const put = await http(central.url, 'PUT', `/api/products/${OPEN.sku}`, { token: central.adminToken, body: { ...OPEN, openPriceMaxCents: 3000 } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await eventually('the new cap in the copy', async () => {
      const row = env.reg.ctx.sqlite.prepare('SELECT open_price_max_cents AS cap FROM products WHERE sku = ?').get(OPEN.sku) as { cap: number | null };
      return row.cap === 3000;
    }, 20_000);
    const above = await sell([{ sku: OPEN.sku, quantity: 1, unitPriceCents: 3001 }]);
    assert.equal(above.status, 422);
    assert.equal(above.body.error.code, 'OPEN_PRICE_ABOVE_CAP');
    assert.equal(above.body.error.details.maxCents, 3000);
  });

  test('offline, from the copy alone: sold at the typed price, then integrated by central with that price and no anomaly', async () => {
    await env.link.setMode({ kind: 'refuse' });
    await eventually('autonomous', async () => env.reg.status().mode === 'autonomous', 20_000);
    const refused = await sell([{ sku: OPEN.sku, quantity: 1, unitPriceCents: 3500 }]);
    assert.equal(refused.status, 422, 'the cap holds offline');
    const sold = await sell([{ sku: OPEN.sku, quantity: 3, unitPriceCents: 799 }]);
    assert.equal(sold.status, 201, JSON.stringify(sold.body));
    assert.equal(sold.body.totalCents, 3 * 799);
    assert.deepEqual(signedLines(sold.body.number), [[OPEN.sku, 3, 799, 2397]]);

    await env.link.setMode({ kind: 'up' });
    await eventually('integrated at central', async () => env.reg.status().mode === 'connected' && env.reg.status().pendingRecords === 0, 30_000);
    const atCentral = (await central.tickets(env.registerId)).find((t) => t.number === sold.body.number);
    assert.ok(atCentral, 'central holds the offline ticket');
    assert.equal(atCentral.soldOffline, true);
    assert.deepEqual(atCentral.anomalies.filter((a) => a.startsWith('price_differs')), [], `typed within the cap: ${atCentral.anomalies.join(', ')}`);
    const detail = await http(central.url, 'GET', `/api/tickets/${env.registerId}/${sold.body.number}`, { token: central.adminToken });
    assert.deepEqual(detail.body.lines.map((l: any) => [l.sku, l.unitPriceCents]), [[OPEN.sku, 799]]);
  });
});
