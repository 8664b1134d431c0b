// Meal vouchers (titres-restaurant) at a real register (its own HTTP server and SQLite file) enrolled
// at the real central server (`comptoir central` in its own process) through a link a test can cut,
// docs/architecture.md §24: the store's cap per ticket comes from central through the copy (and a
// later change of it through the changes pull); a voucher above the total (no change given),
// vouchers above the cap, or a refund in vouchers are refused with coded reasons and nothing is
// written; an accepted one is signed in the ticket and counted apart in the X report and the Z; with the link
// cut, the cap of the SOS copy still holds and the ticket reaches central once the link is back.
// Eligible products: an item central marks as not payable in vouchers (not food) reaches the till in its
// copy (full and changes); the vouchers of a ticket are limited to its eligible lines after line and
// ticket discounts (`MEAL_VOUCHER_NOT_ELIGIBLE`), online and offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, http } from '@comptoir/testing';
import type { Product } from '@comptoir/protocol';
import { mealVoucherEligibleCents, priceLines, spreadTicketDiscount } from '@comptoir/domain';
import type { RunningRegister } from '../src/index';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';

const centralOfFile = centralPerFile();
const modeReached = (reg: RunningRegister, mode: string) => eventually(`mode ${mode}`, async () => reg.status().mode === mode, 30_000, 10);

describe('meal vouchers at the till', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  let wine: Product;
  let coffee: Product;
  /** The vouchers of the eligible-products sale accepted below (the Z counts them). */
  let eligibleSaleVouchers = 0;

  const setCap = async (mealVoucherCapCents: number) => {
    const patched = await http(central.url, 'PATCH', `/api/stores/${central.storeId}`, { token: central.adminToken, body: { mealVoucherCapCents } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.mealVoucherCapCents, mealVoucherCapCents);
  };

  before(async () => {
    central = await centralOfFile();
    wine = await central.product(DEMO_SKUS.wine);
    coffee = await central.product(DEMO_SKUS.coffee);
    // The store's cap, changed at central before the register's first copy.
    await setCap(1800);
    // A magazine meal vouchers may not pay for (not food), in the register's first copy; a lighter, eligible for now.
    for (const [sku, label, mealVoucherEligible] of [['MAG-TR', 'Magazine', false], ['BIC-TR', 'Briquet', true]] as const) {
      const created = await http(central.url, 'POST', '/api/products', { token: central.adminToken, body: { sku, label, priceCents: 1500, vatRate: 2000, category: 'Bazar', mealVoucherEligible } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    env = await startEnrolledRegister(central, 'Caisse titres');
  });
  after(async () => {
    await env?.close();
  });

  const ticketCount = () => (env.reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'ticket'").get() as { n: number }).n;
  const sell = (quantity: number, payments: { method: string; amountCents: number }[]) =>
    api(env.reg.url, 'POST', '/api/sales', { token: env.token, body: { lines: [{ sku: wine.sku, quantity }], payments } });
  const capAtTill = async () => (await api(env.reg.url, 'GET', '/api/store', { token: env.token })).body.mealVoucherCapCents as number;

  test('the copy carries the store cap and meal vouchers as a payment method; the screen reads the cap', async () => {
    assert.equal(await capAtTill(), 1800);
    const methods = (env.reg.ctx.sqlite.prepare('SELECT method FROM copy_payment_methods ORDER BY method').all() as { method: string }[]).map((m) => m.method);
    assert.ok(methods.includes('meal_voucher'), methods.join());
  });

  test('part by meal voucher, the rest by card: signed, counted apart in the X report', async () => {
    const total = 3 * wine.priceCents;
    assert.ok(total > 1800, 'three demo wines cost more than the cap');
    const sale = await sell(3, [{ method: 'meal_voucher', amountCents: 1800 }, { method: 'card', amountCents: total - 1800 }]);
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    assert.equal(sale.body.changeCents, 0);
    const row = env.reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number = ?").get(sale.body.number) as { payload: string };
    assert.deepEqual(JSON.parse(row.payload).payments, [{ method: 'meal_voucher', amountCents: 1800 }, { method: 'card', amountCents: total - 1800 }]);
    const x = await api(env.reg.url, 'GET', '/api/reports/x', { token: env.token });
    assert.equal(x.status, 200);
    assert.deepEqual(x.body.payments.find((p: { method: string }) => p.method === 'meal_voucher'), { method: 'meal_voucher', amountCents: 1800, count: 1 });
  });

  test('refused with a coded reason, nothing written: above the total, above the cap, a refund in vouchers', async () => {
    const before = ticketCount();
    const over = await sell(1, [{ method: 'meal_voucher', amountCents: wine.priceCents + 100 }]);
    assert.equal(over.status, 422);
    assert.deepEqual([over.body.error.code, over.body.error.details.reason], ['PAYMENT_REFUSED', 'MEAL_VOUCHER_OVER_DUE']);
    // Even with cash beside it: the change would be given on the voucher.
    const overWithCash = await sell(1, [{ method: 'meal_voucher', amountCents: wine.priceCents + 1 }, { method: 'cash', amountCents: 500 }]);
    assert.equal(overWithCash.status, 422);
    assert.equal(overWithCash.body.error.details.reason, 'MEAL_VOUCHER_OVER_DUE');
    // Two vouchers of one ticket count together against the cap.
    const capped = await sell(3, [{ method: 'meal_voucher', amountCents: 1000 }, { method: 'meal_voucher', amountCents: 801 }, { method: 'card', amountCents: 3 * wine.priceCents - 1801 }]);
    assert.equal(capped.status, 422);
    assert.deepEqual([capped.body.error.code, capped.body.error.details.reason], ['PAYMENT_REFUSED', 'MEAL_VOUCHER_CAP']);

    const paid = await sell(1, [{ method: 'card', amountCents: wine.priceCents }]);
    assert.equal(paid.status, 201);
    const refund = await api(env.reg.url, 'POST', '/api/returns', {
      token: env.token,
      body: { original: { number: paid.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'meal_voucher', amountCents: wine.priceCents }], approval: central.manager },
    });
    assert.equal(refund.status, 422, JSON.stringify(refund.body));
    assert.equal(refund.body.error.details.reason, 'MEAL_VOUCHER_REFUND');
    assert.equal(ticketCount(), before + 1, 'only the card sale was written');
  });

  const sellMixed = (vouchers: number, extra: Record<string, unknown> = {}, other = 'MAG-TR', total = coffee.priceCents + 1500) =>
    api(env.reg.url, 'POST', '/api/sales', {
      token: env.token,
      body: { lines: [{ sku: coffee.sku, quantity: 1 }, { sku: other, quantity: 1 }], payments: [{ method: 'meal_voucher', amountCents: vouchers }, { method: 'card', amountCents: total - vouchers }], ...extra },
    });
  const localEligible = async (sku: string) => {
    const found = await api(env.reg.url, 'GET', `/api/products?q=${encodeURIComponent(sku)}`, { token: env.token });
    return (found.body.items as { sku: string; mealVoucherEligible: boolean }[]).find((p) => p.sku === sku)?.mealVoucherEligible;
  };

  test('eligible products: vouchers pay at most the eligible lines, after line and ticket discounts; the flag comes with the copy', async () => {
    assert.ok(coffee.priceCents < 1800, 'a coffee is under the cap, so the eligible total binds');
    assert.equal(await localEligible('MAG-TR'), false, 'the first copy says the magazine is not eligible');
    assert.equal(await localEligible(coffee.sku), true);
    const before = ticketCount();
    const over = await sellMixed(coffee.priceCents + 1);
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.deepEqual([over.body.error.code, over.body.error.details.reason], ['PAYMENT_REFUSED', 'MEAL_VOUCHER_NOT_ELIGIBLE']);
    assert.match(over.body.error.message, /food only/);
    // 5 % off the whole ticket: the coffee's line carries its share, so vouchers pay less of it.
    const ticketDiscount = { percentBp: 500 };
    const spread = spreadTicketDiscount([
      { sku: coffee.sku, label: '', unitPriceCents: coffee.priceCents, vatRate: coffee.vatRate, quantity: 1 },
      { sku: 'MAG-TR', label: '', unitPriceCents: 1500, vatRate: 2000, quantity: 1 },
    ], ticketDiscount);
    assert.ok(spread.ok);
    const cart = priceLines(spread.value);
    assert.ok(cart.ok);
    const eligible = mealVoucherEligibleCents(cart.value.lines.map((l, i) => ({ totalCents: l.totalCents, mealVoucherEligible: i === 0 })));
    assert.ok(eligible < coffee.priceCents, 'the discount lowers what vouchers may pay');
    const discountedOver = await sellMixed(eligible + 1, { ticketDiscount }, 'MAG-TR', cart.value.totalCents);
    assert.equal(discountedOver.body.error?.details?.reason, 'MEAL_VOUCHER_NOT_ELIGIBLE', JSON.stringify(discountedOver.body));
    assert.equal(ticketCount(), before, 'nothing written');
    const sale = await sellMixed(eligible, { ticketDiscount }, 'MAG-TR', cart.value.totalCents);
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    eligibleSaleVouchers = eligible;

    // The lighter becomes non-eligible at central: the till learns it with its changes.
    assert.equal((await sellMixed(coffee.priceCents + 100, {}, 'BIC-TR')).status, 201, 'eligible so far: vouchers may pay for it');
    eligibleSaleVouchers += coffee.priceCents + 100;
    const put = await http(central.url, 'PUT', '/api/products/BIC-TR', { token: central.adminToken, body: { label: 'Briquet', priceCents: 1500, vatRate: 2000, category: 'Bazar', barcodes: [], mealVoucherEligible: false } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await eventually('the lighter non-eligible at the till', async () => (await localEligible('BIC-TR')) === false, 30_000);
    assert.equal((await sellMixed(coffee.priceCents + 100, {}, 'BIC-TR')).body.error?.details?.reason, 'MEAL_VOUCHER_NOT_ELIGIBLE');
  });

  test('a new cap set at central reaches the till with its changes', async () => {
    await setCap(1500);
    await eventually('cap 15,00 € at the till', async () => (await capAtTill()) === 1500, 30_000);
    const capped = await sell(3, [{ method: 'meal_voucher', amountCents: 1501 }, { method: 'card', amountCents: 3 * wine.priceCents - 1501 }]);
    assert.equal(capped.body.error?.details?.reason, 'MEAL_VOUCHER_CAP');
  });

  test('link cut: the cap of the SOS copy still holds; the voucher ticket reaches central afterwards', async () => {
    await env.link.setMode({ kind: 'blackhole' });
    await modeReached(env.reg, 'autonomous');
    const before = ticketCount();
    const capped = await sell(3, [{ method: 'meal_voucher', amountCents: 1501 }, { method: 'card', amountCents: 3 * wine.priceCents - 1501 }]);
    assert.equal(capped.status, 422);
    assert.equal(capped.body.error.details.reason, 'MEAL_VOUCHER_CAP');
    // The eligible items of the copy still bound the vouchers.
    const notFood = await sellMixed(coffee.priceCents + 1);
    assert.equal(notFood.status, 422);
    assert.equal(notFood.body.error.details.reason, 'MEAL_VOUCHER_NOT_ELIGIBLE');
    assert.equal(ticketCount(), before);
    const sale = await sell(2, [{ method: 'meal_voucher', amountCents: 1500 }, { method: 'cash', amountCents: 2000 }]);
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    assert.equal(sale.body.changeCents, 1500 + 2000 - 2 * wine.priceCents, 'the change comes out of the cash');
    assert.equal(sale.body.soldOffline, true);

    await env.link.setMode({ kind: 'up' });
    await modeReached(env.reg, 'connected');
    const atCentral = await eventually('ticket at central', async () =>
      central.records(env.registerId).find((r) => r.chain === 'ticket' && r.number === sale.body.number),
    30_000);
    assert.deepEqual((atCentral.payload as { payments: unknown }).payments, [{ method: 'meal_voucher', amountCents: 1500 }, { method: 'cash', amountCents: 2000 }]);
  });

  test('the Z closure signs the meal vouchers of the day as their own method', async () => {
    const z = await api(env.reg.url, 'POST', '/api/closures/day', { token: env.token, body: { approval: central.manager } });
    assert.equal(z.status, 201, JSON.stringify(z.body));
    const payments = z.body.payload.payments as { method: string; amountCents: number; count: number }[];
    assert.deepEqual(payments.find((p) => p.method === 'meal_voucher'), { method: 'meal_voucher', amountCents: 1800 + 1500 + eligibleSaleVouchers, count: 4 });
    assert.ok(payments.some((p) => p.method === 'card') && payments.some((p) => p.method === 'cash'), JSON.stringify(payments));
  });
});
