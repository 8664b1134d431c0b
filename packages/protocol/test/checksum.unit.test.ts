import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SnapshotHasher, canonicalLineText, compareKeys, snapshotChecksum, snapshotLines } from '../src/copy-checksum';

// The SOS copy checksum is a wire contract between central and every register: its canonical text
// is fixed here byte for byte (golden values), whatever key order the objects arrive in.

const store = { fiscalYearStartMonth: 1, businessDayCutoff: '04:00', timezone: 'Europe/Paris', vatNumber: 'FR1', siret: '123', address: '1 rue', name: 'Boutique', id: 's1' };
const product = (sku: string) => ({ active: true, barcodes: [`b-${sku}`], category: 'Pain', vatRate: 550, priceCents: 130, label: `P ${sku}`, sku });
const customer = (id: string) => ({ active: true, phone: null, email: `${id}@x`, name: `C ${id}`, id });
const cashier = (id: string) => ({ active: true, pinHash: 'h', role: 'cashier' as const, displayName: `K ${id}`, login: `l${id}`, id });
const stock = (sku: string, quantity: number) => ({ quantity, sku });
const documentOf = (customerId: string, registerId: string, number: number) => ({ soldAt: '2025-01-01T00:00:00.000Z', totalCents: 100, kind: 'sale' as const, number, registerId, customerId });

test('canonical text of each kind of line: fixed keys in the schema order, nothing else', () => {
  const cases: [Parameters<typeof canonicalLineText>[0], string][] = [
    [{ t: 'store', r: { ...store, extra: 1 } as never }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1}}'],
    // The ticket-reference extras (`with=references`): the store's code and its registers (id, name, number only), each on its own.
    [{ t: 'store', r: { ...store, code: 'S01', registers: [{ id: 'r1', name: 'Caisse 1', number: 1, extra: 1 }] } as never }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"code":"S01","registers":[{"id":"r1","name":"Caisse 1","number":1}]}}'],
    [{ t: 'store', r: { ...store, code: 'S01' } }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"code":"S01"}}'],
    [{ t: 'store', r: { ...store, registers: [] } }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"registers":[]}}'],
    // The till extras (`with=till`): the meal-voucher cap, last; absent (older registers), the line reads as before.
    [{ t: 'store', r: { ...store, code: 'S01', registers: [], mealVoucherCapCents: 1800 } }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"code":"S01","registers":[],"mealVoucherCapCents":1800}}'],
    [{ t: 'store', r: { ...store, mealVoucherCapCents: 0 } }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"mealVoucherCapCents":0}}'],
    [{ t: 'paymentMethod', r: 'card' }, '{"t":"paymentMethod","r":"card"}'],
    [{ t: 'paymentMethod', r: 'meal_voucher' }, '{"t":"paymentMethod","r":"meal_voucher"}'],
    // `with=gift-card`: the gift-card cap after the meal-voucher cap, and the method; absent, the line reads as before.
    [{ t: 'store', r: { ...store, mealVoucherCapCents: 2500, giftCardMaxCents: 30000 } }, '{"t":"store","r":{"id":"s1","name":"Boutique","address":"1 rue","siret":"123","vatNumber":"FR1","timezone":"Europe/Paris","businessDayCutoff":"04:00","fiscalYearStartMonth":1,"mealVoucherCapCents":2500,"giftCardMaxCents":30000}}'],
    [{ t: 'paymentMethod', r: 'gift_card' }, '{"t":"paymentMethod","r":"gift_card"}'],
    [{ t: 'product', r: product('A') }, '{"t":"product","r":{"sku":"A","label":"P A","priceCents":130,"vatRate":550,"category":"Pain","barcodes":["b-A"],"active":true}}'],
    // `with=meal-voucher-eligible`: only a non-eligible item says so, last (after an open-price cap); an eligible line reads as before.
    [{ t: 'product', r: { ...product('A'), mealVoucherEligible: false } }, '{"t":"product","r":{"sku":"A","label":"P A","priceCents":130,"vatRate":550,"category":"Pain","barcodes":["b-A"],"active":true,"mealVoucherEligible":false}}'],
    [{ t: 'product', r: { ...product('A'), openPriceMaxCents: 900, mealVoucherEligible: false } }, '{"t":"product","r":{"sku":"A","label":"P A","priceCents":130,"vatRate":550,"category":"Pain","barcodes":["b-A"],"active":true,"openPriceMaxCents":900,"mealVoucherEligible":false}}'],
    [{ t: 'product', r: { ...product('A'), mealVoucherEligible: undefined } }, '{"t":"product","r":{"sku":"A","label":"P A","priceCents":130,"vatRate":550,"category":"Pain","barcodes":["b-A"],"active":true}}'],
    [{ t: 'customer', r: customer('c1') }, '{"t":"customer","r":{"id":"c1","name":"C c1","email":"c1@x","phone":null,"active":true}}'],
    [{ t: 'cashier', r: cashier('k1') }, '{"t":"cashier","r":{"id":"k1","login":"lk1","displayName":"K k1","role":"cashier","pinHash":"h","active":true}}'],
    [{ t: 'stock', r: { ...stock('A', -2), extra: true } as never }, '{"t":"stock","r":{"sku":"A","quantity":-2}}'],
    [{ t: 'document', r: documentOf('c1', 'r1', 7) }, '{"t":"document","r":{"customerId":"c1","registerId":"r1","number":7,"kind":"sale","totalCents":100,"soldAt":"2025-01-01T00:00:00.000Z"}}'],
  ];
  for (const [line, text] of cases) assert.equal(canonicalLineText(line), text, line.t);
});

test('compareKeys orders by code point', () => {
  assert.equal(compareKeys('a', 'b'), -1);
  assert.equal(compareKeys('b', 'a'), 1);
  assert.equal(compareKeys('a', 'a'), 0);
  assert.equal(compareKeys('Z', 'a'), -1, 'upper case before lower case (code points, not locale)');
  assert.equal(compareKeys('é', 'f'), 1);
});

test('the lines of a body come in stream order, each kind sorted by its key', () => {
  const body = {
    store,
    paymentMethods: ['cheque', 'card', 'cash'] as ('cash' | 'card' | 'cheque')[],
    products: [product('B'), product('A'), product('C')],
    customers: [customer('c2'), customer('c1')],
    cashiers: [cashier('k2'), cashier('k1')],
    stock: [stock('B', 1), stock('A', 2)],
    documents: [documentOf('c2', 'r1', 1), documentOf('c1', 'r2', 1), documentOf('c1', 'r1', 10), documentOf('c1', 'r1', 9)],
  };
  const frozen = JSON.stringify(body);
  const lines = [...snapshotLines(body)];
  assert.equal(JSON.stringify(body), frozen, 'the body itself is not reordered');
  assert.deepEqual(
    lines.map((l) => `${l.t}:${l.t === 'store' ? l.r.id : l.t === 'paymentMethod' ? l.r : l.t === 'product' || l.t === 'stock' ? l.r.sku : l.t === 'document' ? `${l.r.customerId}/${l.r.registerId}/${l.r.number}` : l.r.id}`),
    [
      'store:s1',
      'paymentMethod:card', 'paymentMethod:cash', 'paymentMethod:cheque',
      'product:A', 'product:B', 'product:C',
      'customer:c1', 'customer:c2',
      'cashier:k1', 'cashier:k2',
      'stock:A', 'stock:B',
      'document:c1/r1/9', 'document:c1/r1/10', 'document:c1/r2/1', 'document:c2/r1/1',
    ],
  );
  // Without documents (an older body): the same lines up to the stock.
  assert.deepEqual([...snapshotLines({ ...body, documents: undefined })].map((l) => l.t), lines.filter((l) => l.t !== 'document').map((l) => l.t));
});

test('the checksum is SHA-256 of each canonical line followed by a newline, in stream order', () => {
  const body = { store, paymentMethods: ['cash'] as 'cash'[], products: [product('B'), product('A')], customers: [], cashiers: [cashier('k1')], stock: [stock('A', 3)], documents: [] };
  const text = [...snapshotLines(body)].map((l) => `${canonicalLineText(l)}\n`).join('');
  const expected = createHash('sha256').update(text).digest('hex');
  assert.equal(snapshotChecksum(body), expected);
  assert.match(expected, /^[0-9a-f]{64}$/);
  // Any change in any line changes it; input order does not.
  assert.notEqual(snapshotChecksum({ ...body, stock: [stock('A', 4)] }), expected);
  assert.equal(snapshotChecksum({ ...body, products: [product('A'), product('B')] }), expected);

  const h = new SnapshotHasher();
  assert.equal(h.lines, 0);
  const returned = h.add({ t: 'paymentMethod', r: 'cash' });
  assert.equal(returned, '{"t":"paymentMethod","r":"cash"}', 'add returns the canonical text it hashed');
  h.addText('x');
  assert.equal(h.lines, 2);
  assert.equal(h.digest(), createHash('sha256').update('{"t":"paymentMethod","r":"cash"}\nx\n').digest('hex'));
});
