// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, http } from '@comptoir/testing';
import { assertAccessible, openCashierPage, setLink, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * Paying with meal vouchers (titres-restaurant, architecture §24) on the cashier screen, in a real
 * Chromium against a real demo shop (cap 25,00 € per ticket, the default): a voucher above the cap
 * or above what is due is refused in French, nothing is tendered and the amount typed is cleared (the
 * card that follows takes what is due, not the refused amount); 25,00 € of vouchers and the rest
 * by card makes one ticket the register signed with both tenders; with the link cut, a ticket paid
 * wholly in vouchers still goes through (the cap comes with the SOS copy). A ticket mixing food and an
 * item central marks as not payable in vouchers: the voucher button tenders the food line only, more
 * is refused in French and in English (§24).
 */
const WINE = { sku: 'BOI-005', priceCents: 790 };
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

async function scan(sku: string, times: number, totalCents: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await page.getByTestId('product-search').fill(sku);
    await page.getByTestId('product-search').press('Enter');
  }
  await page.locator(`[data-testid="cart-total"][data-cents="${totalCents}"]`).waitFor();
}

async function voucher(euros: string): Promise<void> {
  await page.getByTestId('payment-amount').fill(euros);
  await page.getByTestId('pay-meal-voucher').click();
}

test('part in meal vouchers (cap and no change enforced), the rest by card; then offline, wholly in vouchers', async () => {
  const product = (await http(shop.centralUrl, 'GET', `/api/products/${WINE.sku}`, { token: shop.adminToken })).body;
  assert.equal(product.priceCents, WINE.priceCents, 'the demo wine');
  await cashier.signIn({ floatLater: true });

  const total = 4 * WINE.priceCents; // 31,60 €: more than the cap
  await scan(WINE.sku, 4, total);
  await page.getByTestId('pay').click();
  await assertAccessible(page, 'payment dialog with the meal-voucher tender');
  await voucher('30');
  await waitForText(page, 'payment-error', /plafond des titres-restaurant/);
  assert.equal(await page.getByTestId('tender').count(), 0, 'nothing tendered above the cap');
  await voucher(''); // nothing typed: what is due, within what the cap still allows (25,00 €)
  await page.locator(`[data-testid="payment-due"][data-cents="${total - 2500}"]`).waitFor();
  assert.equal(await page.locator('[data-testid="tender"][data-method="meal_voucher"]').count(), 1);
  await voucher('0,01');
  await waitForText(page, 'payment-error', /plafond/);
  assert.equal(await page.getByTestId('tender').count(), 1);
  // The refused amount is not kept: the card that follows takes what is due, not the 0,01 € refused.
  assert.equal(await page.getByTestId('payment-amount').inputValue(), '', 'a refused amount is cleared');
  await page.getByTestId('pay-card').click();
  await page.locator('[data-testid="payment-due"][data-cents="0"]').waitFor();
  assert.deepEqual(
    await page.getByTestId('tender').evaluateAll((els) => els.map((e) => [e.getAttribute('data-method'), e.querySelector('span:nth-child(2)')?.textContent?.replace(/\s/g, ' ')])),
    [['meal_voucher', '25,00 €'], ['card', '6,60 €']],
  );
  await page.getByTestId('confirm-payment').click();
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  assert.match(await page.locator('.receipt-payments').innerText(), /Titre-restaurant/);
  const paid = (await http(reg.url, 'GET', `/api/tickets/${number}`, { token })).body;
  assert.deepEqual(paid.payments.map((p: any) => [p.method, p.amountCents]), [['meal_voucher', 2500], ['card', total - 2500]]);
  assert.equal(paid.changeCents, 0);

  // No change on a voucher: one above what is due is refused.
  await page.getByTestId('new-sale').click();
  await scan(WINE.sku, 1, WINE.priceCents);
  await page.getByTestId('pay').click();
  await voucher('10');
  await waitForText(page, 'payment-error', /reste à payer/);
  assert.equal(await page.getByTestId('tender').count(), 0);
  assert.equal(await page.getByTestId('payment-amount').inputValue(), '', 'the refused 10 € is cleared');

  // Link cut: the cap is the SOS copy's; the whole ticket in vouchers (nothing typed = what is due).
  await page.getByTestId('payment-cancel').click();
  await setLink(shop, reg.id, false);
  await eventually('register autonomous', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'autonomous', 30_000);
  await page.getByTestId('pay').click();
  await page.getByTestId('pay-meal-voucher').click();
  await page.locator('[data-testid="payment-due"][data-cents="0"]').waitFor();
  await page.getByTestId('confirm-payment').click();
  const offline = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const sold = (await http(reg.url, 'GET', `/api/tickets/${offline}`, { token })).body;
  assert.deepEqual(sold.payments.map((p: any) => [p.method, p.amountCents]), [['meal_voucher', WINE.priceCents]]);
  assert.equal(sold.soldOffline, true);
  await setLink(shop, reg.id, true);
  assert.deepEqual(pageErrors, []);
});

test('a ticket mixing food and a non-food item: vouchers tender at most the food line; the refusal in French, then in English', async () => {
  await eventually('register connected', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'connected', 30_000);
  const coffee = (await http(shop.centralUrl, 'GET', '/api/products/EPI-005', { token: shop.adminToken })).body as { sku: string; priceCents: number };
  const created = await http(shop.centralUrl, 'POST', '/api/products', {
    token: shop.adminToken,
    body: { sku: 'MAG-WEB', label: 'Magazine déco', priceCents: 1500, vatRate: 2000, category: 'Presse', mealVoucherEligible: false },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await eventually('the magazine at the till, not eligible', async () => {
    const found = (await http(reg.url, 'GET', '/api/products?q=MAG-WEB', { token })).body.items as { sku: string; mealVoucherEligible: boolean }[];
    return found.some((p) => p.sku === 'MAG-WEB' && p.mealVoucherEligible === false);
  }, 30_000);

  await page.getByTestId('new-sale').click();
  assert.ok(coffee.priceCents < 1000, 'the demo coffee costs less than 10,00 €');
  const total = coffee.priceCents + 1500;
  await page.getByTestId('product-search').fill(coffee.sku);
  await page.getByTestId('product-search').press('Enter');
  await page.getByTestId('product-search').fill('MAG-WEB');
  await page.getByTestId('product-search').press('Enter');
  await page.locator(`[data-testid="cart-total"][data-cents="${total}"]`).waitFor();
  await page.getByTestId('pay').click();
  await voucher(''); // nothing typed: the food line only (under the cap of 25,00 €)
  await page.locator(`[data-testid="payment-due"][data-cents="${total - coffee.priceCents}"]`).waitFor();
  await voucher('0,01');
  await waitForText(page, 'payment-error', /ne paient que les produits alimentaires/);
  assert.equal(await page.getByTestId('tender').count(), 1, 'nothing more tendered');
  await page.getByTestId('payment-cancel').click();

  // In English: the same refusal in English words, never a raw code.
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('pay').click();
  await voucher('10'); // under the cap and under what is due, above the food line
  const english = await waitForText(page, 'payment-error', /only pay for the food items/);
  assert.doesNotMatch(english, /MEAL_VOUCHER|alimentaires/);
  assert.equal(await page.getByTestId('tender').count(), 0);
  await page.getByTestId('payment-amount').fill('');
  await page.getByTestId('pay-meal-voucher').click();
  await page.locator(`[data-testid="payment-due"][data-cents="1500"]`).waitFor();
  await page.getByTestId('pay-card').click();
  await page.getByTestId('confirm-payment').click();
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const paid = (await http(reg.url, 'GET', `/api/tickets/${number}`, { token })).body;
  assert.deepEqual(paid.payments.map((p: any) => [p.method, p.amountCents]), [['meal_voucher', coffee.priceCents], ['card', 1500]]);
  await page.getByTestId('new-sale').click();
  await page.getByTestId('lang-toggle').click(); // back to French
  assert.deepEqual(pageErrors, []);
});
