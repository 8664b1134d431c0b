import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MANAGER_AT_TILL, http } from '@comptoir/testing';
import { startDemo, type DemoShop } from './support/demo-shop';

/**
 * The register endpoints the cashier screen uses, over real HTTP against a demo register:
 * answers, refusals (clear 4xx, nothing stored), and the receipt's NF525 mentions.
 */
let shop: DemoShop;
let url: string;
let token: string;
let product: { sku: string; priceCents: number; barcodes: string[]; category: string; vatRate: number };

before(async () => {
  shop = await startDemo(1);
  url = shop.registers[0]!.url;
  token = (await http(url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  product = (await http(url, 'GET', '/api/products?limit=1', { token })).body.items[0];
});
after(async () => {
  await shop?.stop();
});

const sell = (body: unknown) => http(url, 'POST', '/api/sales', { token, body });

test('every screen endpoint needs a cashier session', async () => {
  for (const [method, path] of [
    ['GET', '/api/categories'],
    ['GET', '/api/products/by-code/x'],
    ['GET', '/api/store'],
    ['GET', '/api/reports/x'],
    ['GET', '/api/customers/demo-customer-01/documents'],
    ['GET', '/api/tickets/1/receipt'],
    ['POST', '/api/tickets/1/duplicates'],
    ['POST', '/api/auth/logout'],
  ] as const) {
    const r = await http(url, method, path);
    assert.equal(r.status, 401, `${method} ${path}`);
    assert.equal(r.body.error.code, 'UNAUTHENTICATED');
  }
});

test('shelves and scans: categories, products of a category, exact SKU or barcode, unknown code → 404', async () => {
  const cats = (await http(url, 'GET', '/api/categories', { token })).body;
  assert.ok(cats.total >= 3);
  const cat = cats.items.find((c: any) => c.name === product.category);
  assert.ok(cat && cat.productCount >= 1);
  const inCat = (await http(url, 'GET', `/api/categories/${encodeURIComponent(product.category)}/products?limit=500`, { token })).body;
  assert.equal(inCat.total, cat.productCount);
  assert.ok(inCat.items.every((p: any) => p.category === product.category));
  assert.equal((await http(url, 'GET', `/api/products/by-code/${product.sku}`, { token })).body.sku, product.sku);
  assert.equal((await http(url, 'GET', `/api/products/by-code/${product.barcodes[0]}`, { token })).body.sku, product.sku);
  const unknown = await http(url, 'GET', '/api/products/by-code/0000000000017', { token });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'NOT_FOUND');
  assert.equal((await http(url, 'GET', '/api/categories/x/products?limit=0', { token })).status, 400);
});

test('receipt and reprints: NF525 mentions; a reprint is the next number of the duplicate chain; unknown ticket → 404, nothing written', async () => {
  const sale = await sell({ lines: [{ sku: product.sku, quantity: 3 }], payments: [{ method: 'cash', amountCents: product.priceCents * 3 + 1000 }], customerId: 'demo-customer-02' });
  assert.equal(sale.status, 201);
  const receipt = (await http(url, 'GET', `/api/tickets/${sale.body.number}/receipt`, { token })).body;
  assert.equal(receipt.store.name, 'Comptoir Saint-Martin');
  assert.equal(receipt.store.siret, '91234567500017');
  assert.equal(receipt.store.vatNumber, 'FR65912345675');
  assert.equal(receipt.store.registerName, 'Caisse 1');
  assert.match(receipt.store.softwareVersion, /^\d+\.\d+\.\d+/);
  assert.equal(receipt.cashierName, 'Marie Dubois');
  assert.equal(receipt.customerName, 'Julien Moreau');
  assert.equal(receipt.ticket.changeCents, 1000);
  assert.equal(receipt.signatureExtract, [3, 7, 13, 19].map((i) => sale.body.signature[i - 1]).join(''));
  assert.equal(receipt.duplicate, null);

  const first = await http(url, 'POST', `/api/tickets/${sale.body.number}/duplicates`, { token });
  assert.equal(first.status, 201);
  const missing = await http(url, 'POST', '/api/tickets/999999/duplicates', { token });
  assert.equal(missing.status, 404);
  const bad = await http(url, 'POST', '/api/tickets/abc/duplicates', { token });
  assert.equal(bad.status, 400);
  const second = await http(url, 'POST', `/api/tickets/${sale.body.number}/duplicates`, { token });
  assert.equal(second.body.duplicate.number, first.body.duplicate.number + 1, 'refusals wrote no duplicate record');
  assert.equal(second.body.duplicate.cashierName, 'Marie Dubois');
});

test('customer documents: the customer’s tickets with their integration time; unknown customer → 404', async () => {
  const docs = (await http(url, 'GET', '/api/customers/demo-customer-02/documents', { token })).body;
  assert.equal(docs.customer.name, 'Julien Moreau');
  assert.equal(docs.source, 'local');
  assert.ok(docs.items.length >= 1);
  assert.ok(docs.items.every((d: any) => d.customerId === 'demo-customer-02'));
  assert.equal((await http(url, 'GET', '/api/customers/nobody/documents', { token })).status, 404);
});

test('returns: returnable quantities and an exact quote; a quote writes nothing; an impossible quote is a 422', async () => {
  const sale = await sell({ lines: [{ sku: product.sku, quantity: 3, discountCents: 100 }], payments: [{ method: 'card', amountCents: product.priceCents * 3 - 100 }], approval: DEMO_MANAGER_AT_TILL });
  const n = sale.body.number;
  const ret = (await http(url, 'GET', `/api/tickets/${n}/returnable`, { token })).body;
  assert.deepEqual(ret.lines, [{ lineNo: 1, sold: 3, returned: 0 }]);
  const quote = await http(url, 'POST', '/api/returns/quote', { token, body: { original: { number: n }, lines: [{ lineNo: 1, quantity: 1 }] } });
  assert.equal(quote.status, 200);
  assert.equal(quote.body.totalCents, -(product.priceCents - 33), 'a third of the 1,00 € discount, rounded half up');
  const done = await http(url, 'POST', '/api/returns', { token, body: { original: { number: n }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: -quote.body.totalCents }], approval: DEMO_MANAGER_AT_TILL } });
  assert.equal(done.status, 201, JSON.stringify(done.body));
  assert.equal(done.body.totalCents, quote.body.totalCents);
  assert.deepEqual((await http(url, 'GET', `/api/tickets/${n}/returnable`, { token })).body.lines, [{ lineNo: 1, sold: 3, returned: 1 }]);
  const tooMany = await http(url, 'POST', '/api/returns/quote', { token, body: { original: { number: n }, lines: [{ lineNo: 1, quantity: 3 }] } });
  assert.equal(tooMany.status, 422);
  assert.equal(tooMany.body.error.code, 'RETURN_REFUSED');
  assert.equal((await http(url, 'POST', '/api/returns/quote', { token, body: { original: { number: n }, lines: [] } })).status, 400);
  assert.equal((await http(url, 'GET', `/api/tickets/${done.body.number}/returnable`, { token })).status, 422, 'a return is not returnable');
});

test('X report: counts and totals per method (cash net of change) and per VAT rate, equal to the day’s tickets', async () => {
  const x = (await http(url, 'GET', '/api/reports/x', { token })).body;
  const tickets = (await http(url, 'GET', '/api/tickets?limit=1000', { token })).body.items.filter((t: any) => t.soldAt >= x.from);
  assert.equal(x.ticketCount, tickets.length);
  assert.equal(x.returnCount, tickets.filter((t: any) => t.kind === 'return').length);
  assert.equal(x.totalCents, tickets.reduce((s: number, t: any) => s + t.totalCents, 0));
  const byMethod = Object.fromEntries(x.payments.map((p: any) => [p.method, p.amountCents]));
  assert.equal(Object.values(byMethod).reduce((s: any, v: any) => s + v, 0), x.totalCents, 'net payments equal the total');
  assert.equal(x.vat.reduce((s: number, v: any) => s + v.totalCents, 0), x.totalCents);
  for (const v of x.vat) assert.equal(v.baseCents + v.vatCents, v.totalCents);
});

test('logout ends the session at once', async () => {
  const other = (await http(url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  assert.equal((await http(url, 'POST', '/api/auth/logout', { token: other })).status, 204);
  assert.equal((await http(url, 'GET', '/api/store', { token: other })).status, 401);
  assert.equal((await http(url, 'GET', '/api/store', { token })).status, 200, 'other sessions live on');
});
