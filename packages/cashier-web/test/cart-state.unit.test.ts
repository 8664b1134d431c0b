import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalProduct } from '@comptoir/protocol';
import { cartMealVoucherEligible, cartReducer, cartTotal, emptyCart, lineTotal, saleLines, type Cart, type CartAction } from '../src/cart.state';

// The cashier screen's sale in progress: a pure reducer, checked action by action.
const product = (sku: string, priceCents: number, openPriceMaxCents: number | null = null, mealVoucherEligible = true): LocalProduct => ({ sku, label: `P ${sku}`, priceCents, vatRate: 550, category: 'Pain', barcodes: [], stock: null, openPriceMaxCents, mealVoucherEligible });
const run = (...actions: CartAction[]): Cart => actions.reduce(cartReducer, emptyCart);

test('adding a product makes a line of one; scanning it again adds a unit to that line', () => {
  const c = run({ type: 'add', product: product('A', 130) }, { type: 'add', product: product('B', 250) }, { type: 'add', product: product('A', 130) });
  assert.deepEqual(c.lines.map((l) => [l.key, l.sku, l.quantity, l.unitPriceCents, l.discountCents]), [[1, 'A', 2, 130, 0], [2, 'B', 1, 250, 0]]);
  assert.equal(c.nextKey, 3);
  assert.equal(cartTotal(c), 2 * 130 + 250);
  assert.equal(emptyCart.lines.length, 0, 'the empty cart itself is never changed');
});

test('a discounted line is not merged: the next scan starts a new line', () => {
  const c = run({ type: 'add', product: product('A', 130) }, { type: 'discount', key: 1, discountCents: 30 }, { type: 'add', product: product('A', 130) });
  assert.deepEqual(c.lines.map((l) => [l.key, l.quantity, l.discountCents]), [[1, 1, 30], [2, 1, 0]]);
  assert.equal(lineTotal(c.lines[0]!), 100);
});

test('quantities stay whole, between 1 and 10,000; a discount never exceeds the line, even after the quantity drops', () => {
  let c = run({ type: 'add', product: product('A', 100) }, { type: 'quantity', key: 1, quantity: 5 }, { type: 'discount', key: 1, discountCents: 450 });
  assert.equal(c.lines[0]!.discountCents, 450);
  c = cartReducer(c, { type: 'quantity', key: 1, quantity: 2.7 });
  assert.deepEqual([c.lines[0]!.quantity, c.lines[0]!.discountCents], [2, 200], 'floored, and the discount capped at the new gross');
  assert.equal(cartReducer(c, { type: 'quantity', key: 1, quantity: 0 }).lines[0]!.quantity, 1);
  assert.equal(cartReducer(c, { type: 'quantity', key: 1, quantity: -4 }).lines[0]!.quantity, 1);
  assert.equal(cartReducer(c, { type: 'quantity', key: 1, quantity: 1e9 }).lines[0]!.quantity, 10000);
  assert.equal(cartReducer(c, { type: 'discount', key: 1, discountCents: -5 }).lines[0]!.discountCents, 0);
  assert.equal(cartReducer(c, { type: 'discount', key: 1, discountCents: 10.9 }).lines[0]!.discountCents, 10);
  assert.equal(cartReducer(c, { type: 'discount', key: 1, discountCents: 999 }).lines[0]!.discountCents, 200);
  assert.equal(cartReducer(c, { type: 'quantity', key: 99, quantity: 3 }).lines[0]!.quantity, 2, 'an unknown key changes nothing');
});

test('remove, customer and clear; the lines posted to the register carry a discount only when there is one', () => {
  const customer = { id: 'c1', name: 'Mme Dupont', email: null, phone: null, active: true };
  let c = run({ type: 'add', product: product('A', 100) }, { type: 'add', product: product('B', 200) }, { type: 'discount', key: 2, discountCents: 50 }, { type: 'customer', customer: customer as never });
  assert.deepEqual(saleLines(c), [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1, discountCents: 50 }]);
  assert.equal(c.customer?.id, 'c1');
  c = cartReducer(c, { type: 'remove', key: 1 });
  assert.deepEqual(c.lines.map((l) => l.sku), ['B']);
  assert.equal(cartReducer(c, { type: 'customer', customer: null }).customer, null);
  assert.deepEqual(cartReducer(c, { type: 'clear' }), emptyCart);
});

test('the multiplier adds that many at once (to the same line when there is one); a recalled sale on hold replaces the cart', () => {
  let c = run({ type: 'add', product: product('A', 100), quantity: 3 }, { type: 'add', product: product('A', 100), quantity: 2 }, { type: 'add', product: product('B', 50), quantity: 0 });
  assert.deepEqual(c.lines.map((l) => [l.sku, l.quantity]), [['A', 5], ['B', 1]], 'a multiplier below 1 counts 1');
  c = cartReducer(c, {
    type: 'restore',
    lines: [{ sku: 'C', label: 'P C', unitPriceCents: 200, vatRate: 2000, quantity: 4, discountCents: 20 }],
    customer: null,
  });
  assert.deepEqual(c.lines.map((l) => [l.key, l.sku, l.quantity, l.discountCents]), [[1, 'C', 4, 20]]);
  assert.equal(cartTotal(c), 780);
  assert.equal(cartReducer(c, { type: 'add', product: product('D', 10) }).lines[1]!.key, 2, 'keys go on after the recalled lines');
});

test('an open-price item is added only with a typed price within its cap, each price its own line, sent with the sale', () => {
  const open = product('DIVERS', 0, 5000);
  const c = run(
    { type: 'add', product: open },
    { type: 'add', product: open, unitPriceCents: 0 },
    { type: 'add', product: open, unitPriceCents: 5001 },
    { type: 'add', product: open, unitPriceCents: 1250 },
    { type: 'add', product: open, unitPriceCents: 1250, quantity: 2 },
    { type: 'add', product: product('A', 130) },
  );
  assert.deepEqual(c.lines.map((l) => [l.sku, l.quantity, l.unitPriceCents, l.openPrice === true]), [['DIVERS', 1, 1250, true], ['DIVERS', 2, 1250, true], ['A', 1, 130, false]]);
  assert.equal(cartTotal(c), 3 * 1250 + 130);
  assert.deepEqual(saleLines(c), [{ sku: 'DIVERS', quantity: 1, unitPriceCents: 1250 }, { sku: 'DIVERS', quantity: 2, unitPriceCents: 1250 }, { sku: 'A', quantity: 1 }]);
});

test('meal vouchers: the cart says what its food items come to, after line and ticket discounts (§24)', () => {
  // A sandwich 8,00 € (food) discounted 1,00 €, a magazine 15,00 € (not food).
  let c = run({ type: 'add', product: product('SANDWICH', 800) }, { type: 'discount', key: 1, discountCents: 100 }, { type: 'add', product: product('MAG', 1500, null, false) });
  assert.deepEqual(c.lines.map((l) => l.mealVoucherEligible), [undefined, false], 'only the non-eligible line carries the flag');
  assert.equal(cartMealVoucherEligible(c), 700);
  assert.equal(cartTotal(c), 2200);
  // 10 % on the ticket (2,20 €), spread pro rata: the sandwich's share is 0,70 €.
  c = cartReducer(c, { type: 'ticketDiscount', discount: { percentBp: 1000 } });
  assert.equal(cartTotal(c), 1980);
  assert.equal(cartMealVoucherEligible(c), 630);
  // A second scan of the magazine joins its line and keeps it non-eligible; a cart of food only is wholly eligible.
  c = cartReducer(c, { type: 'add', product: product('MAG', 1500, null, false) });
  assert.deepEqual(c.lines.map((l) => [l.sku, l.quantity, l.mealVoucherEligible]), [['SANDWICH', 1, undefined], ['MAG', 2, false]]);
  const food = run({ type: 'add', product: product('A', 130) }, { type: 'add', product: product('B', 250) });
  assert.equal(cartMealVoucherEligible(food), cartTotal(food));
});
