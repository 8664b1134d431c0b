import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from '@comptoir/testing';
import { cashierLogin, openShop, someProducts, type Shop } from './support/shop';

/**
 * Sales on hold, on a real register process: a sale put aside is kept in register.sqlite, so it is
 * still there after the register stops and starts again; recalling it hands it back once (a second
 * recall is 404); bad input is refused and stores nothing; a screen without a session is refused.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

const reg = () => shop.registers[0]!;
const api = (method: 'GET' | 'POST', path: string, body?: unknown, signedIn = true) =>
  http(reg().process.url, method, path, { ...(signedIn ? { token: reg().cashierToken } : {}), body });

test('a sale on hold survives a register restart, is recalled once, then sold', async () => {
  const [p1, p2] = await someProducts(shop, 2);
  const line = (p: typeof p1, quantity: number, discountCents = 0) => ({
    sku: p!.sku, label: p!.label, unitPriceCents: p!.priceCents, vatRate: p!.vatRate, quantity, discountCents,
  });
  assert.equal((await api('POST', '/api/held-sales', { lines: [line(p1, 1)], customer: null }, false)).status, 401, 'a session is needed');
  for (const bad of [{ lines: [], customer: null }, { lines: [{ ...line(p1, 1), quantity: 0 }], customer: null }, { lines: [line(p1, 1)] }]) {
    const r = await api('POST', '/api/held-sales', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(r.body.error.code, 'VALIDATION');
  }
  assert.equal((await api('GET', '/api/held-sales')).body.total, 0, 'nothing stored by the refusals');

  // A discount within the cashier's limit (5 % of the line): the sale goes through without approval.
  const discount = Math.max(1, Math.floor((p2!.priceCents * 5) / 100));
  const held = await api('POST', '/api/held-sales', { lines: [line(p1, 3), line(p2, 1, discount)], customer: null });
  assert.equal(held.status, 201, JSON.stringify(held.body));
  assert.equal(held.body.totalCents, p1!.priceCents * 3 + p2!.priceCents - discount);
  const other = await api('POST', '/api/held-sales', { lines: [line(p2, 2)], customer: null });
  assert.equal(other.status, 201);

  // The register stops and starts again: both sales on hold are still there, in order.
  await reg().process.handle.stop();
  await reg().process.restart();
  reg().cashierToken = await cashierLogin(reg().process.url, shop.central.credentials().cashier);
  const list = await api('GET', '/api/held-sales');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items.map((h: any) => [h.id, h.totalCents, h.lines.length]), [[held.body.id, held.body.totalCents, 2], [other.body.id, other.body.totalCents, 1]]);
  assert.deepEqual(list.body.items[0].lines, held.body.lines);

  const recalled = await api('POST', `/api/held-sales/${held.body.id}/recall`);
  assert.equal(recalled.status, 200, JSON.stringify(recalled.body));
  assert.deepEqual(recalled.body, held.body);
  const again = await api('POST', `/api/held-sales/${held.body.id}/recall`);
  assert.equal(again.status, 404);
  assert.equal(again.body.error.code, 'NOT_FOUND');
  assert.deepEqual((await api('GET', '/api/held-sales')).body.items.map((h: any) => h.id), [other.body.id]);

  const sale = await api('POST', '/api/sales', {
    lines: recalled.body.lines.map((l: any) => ({ sku: l.sku, quantity: l.quantity, ...(l.discountCents ? { discountCents: l.discountCents } : {}) })),
    payments: [{ method: 'cash', amountCents: held.body.totalCents }],
  });
  assert.equal(sale.status, 201, JSON.stringify(sale.body));
  assert.equal(sale.body.totalCents, held.body.totalCents, 'the register prices it as the hold showed it');
});
