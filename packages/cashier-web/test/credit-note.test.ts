// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_MANAGER_AT_TILL, http } from '@comptoir/testing';
import { assertAccessible, openCashierPage, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * Paying with an avoir (architecture §19) on the cashier screen, in a real Chromium against a real
 * demo shop: a return refunded as an avoir prints its reference; a sale is then paid partly with it
 * ("Avoir" in the payment dialog, the reference typed, at most what is left), the rest by card; a
 * second try beyond what is left says so; every figure checked against the register's own API.
 */
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let reg: { id: string; url: string };
let token: string;
let pageErrors: string[];

before(async () => {
  cashier = await openCashierPage();
  ({ shop, page, pageErrors } = cashier);
  reg = shop.registers[0]!;
  token = (await http(reg.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
});

after(() => cashier?.close());

test('a return refunded as an avoir, then a sale paid with part of it and the rest by card', async () => {
  const product = (await http(shop.centralUrl, 'GET', '/api/products?limit=1', { token: shop.adminToken })).body.items[0];
  const sale = await http(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: product.sku, quantity: 2 }], payments: [{ method: 'card', amountCents: 2 * product.priceCents }] } });
  assert.equal(sale.status, 201);
  const ret = await http(reg.url, 'POST', '/api/returns', {
    token,
    body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 2 }], refunds: [{ method: 'credit_note', amountCents: 2 * product.priceCents }], approval: DEMO_MANAGER_AT_TILL },
  });
  assert.equal(ret.status, 201, JSON.stringify(ret.body));
  const reference = ret.body.payments[0].reference as string;
  const avoir = 2 * product.priceCents;

  // The float is asked at the first login of the day (a banner): later.
  await cashier.signIn({ floatLater: true });

  // Three units of the product: more than the avoir, so the rest is paid by card.
  await page.getByTestId('product-search').fill(product.sku);
  await page.getByTestId('product-search').press('Enter');
  await page.getByTestId('product-search').fill(product.sku);
  await page.getByTestId('product-search').press('Enter');
  await page.getByTestId('product-search').fill(product.sku);
  await page.getByTestId('product-search').press('Enter');
  const total = 3 * product.priceCents;
  await page.locator(`[data-testid="cart-total"][data-cents="${total}"]`).waitFor();
  await page.getByTestId('pay').click();
  await page.getByTestId('pay-credit-note').click();
  await page.getByTestId('credit-note-reference').fill(reference.toLowerCase());
  await assertAccessible(page, 'payment dialog with an avoir');
  await page.getByTestId('credit-note-apply').click();
  await page.locator(`[data-testid="payment-due"][data-cents="${total - avoir}"]`).waitFor();
  await waitForText(page, 'tenders', new RegExp(reference));
  await page.getByTestId('pay-card').click();
  await page.getByTestId('confirm-payment').click();
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  await waitForText(page, 'receipt-credit-note', new RegExp(reference));

  const paid = (await http(reg.url, 'GET', `/api/tickets/${number}`, { token })).body;
  assert.deepEqual(paid.payments.map((p: any) => [p.method, p.amountCents, p.reference ?? null]), [['credit_note', avoir, reference], ['card', total - avoir, null]]);
  const left = (await http(reg.url, 'GET', `/api/credit-notes/${reference}`, { token })).body;
  assert.equal(left.balanceCents, 0);

  // Spent: the dialog says so, and nothing is tendered.
  await page.getByTestId('new-sale').click();
  await page.getByTestId('product-search').fill(product.sku);
  await page.getByTestId('product-search').press('Enter');
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').fill('1');
  await page.getByTestId('pay-credit-note').click();
  await page.getByTestId('credit-note-reference').fill(reference);
  await page.getByTestId('credit-note-apply').click();
  await waitForText(page, 'payment-error', /avoir/i);
  assert.equal(await page.getByTestId('tender').count(), 0);
  // The amount typed for the refused avoir is cleared: a card now takes what is due, not 1 €.
  assert.equal(await page.getByTestId('payment-amount').inputValue(), '');
  await page.getByTestId('pay-card').click();
  await page.locator('[data-testid="payment-due"][data-cents="0"]').waitFor();
  assert.deepEqual(await page.getByTestId('tender').evaluateAll((els) => els.map((e) => e.getAttribute('data-method'))), ['card']);
  assert.deepEqual(pageErrors, []);
});
