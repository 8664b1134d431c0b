// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { http } from '@comptoir/testing';
import { assertAccessible, openCashierPage, screenshot, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * Gift cards on the cashier screen (docs/architecture.md §25), in a real Chromium at 1024×768
 * against a real demo shop: "Carte cadeau" sells a card of a typed amount (above the store's
 * maximum refused, in French and in English), its receipt prints the reference CC-… and its
 * barcode; a later sale is paid partly with it (the reference scanned into the payment dialog), the
 * rest by card; then overspending it is refused in words — on the screen (nothing left of it, what
 * is left tendered and no more) and by the register (spent elsewhere meanwhile: 409, nothing
 * recorded); every figure checked against the register's own API.
 */
const WINE = { sku: 'BOI-005', priceCents: 790 };
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let reg: { id: string; url: string };
let token: string;

before(async () => {
  cashier = await openCashierPage();
  ({ shop, page } = cashier);
  reg = shop.registers[0]!;
  token = (await http(reg.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
});

after(() => cashier?.close());

const card = async (reference: string) => (await http(reg.url, 'GET', `/api/gift-cards/${reference}`, { token })).body;
const ticket = async (n: number) => (await http(reg.url, 'GET', `/api/tickets/${n}`, { token })).body;
const lastNumber = async () => (await http(reg.url, 'GET', '/api/tickets?limit=1', { token })).body.items[0]?.number ?? 0;
const tenders = () => page.getByTestId('tender').evaluateAll((els) => els.map((e) => e.getAttribute('data-method')));

async function scanWine(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await page.getByTestId('product-search').fill(WINE.sku);
    await page.getByTestId('product-search').press('Enter');
  }
  await page.locator(`[data-testid="cart-total"][data-cents="${times * WINE.priceCents}"]`).waitFor();
}

/**
 * "Carte cadeau" in the payment dialog, the reference typed (or scanned: `scan`) into its field,
 * applied. Typing into the field clears the last refusal, so a refusal waited for after this is its own.
 */
async function tenderCard(reference: string, scan = false): Promise<void> {
  // The field stays open after a refusal (for a correction); "Carte cadeau" opens it (and would close it).
  if (!(await page.getByTestId('gift-card-reference').isVisible())) {
    await page.getByTestId('pay-gift-card').click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'gift-card-reference');
  }
  if (scan) {
    // A scanner's burst then Enter: in this field it is taken, not ignored.
    await page.getByTestId('gift-card-reference').focus();
    await page.keyboard.type(reference);
    await page.keyboard.press('Enter');
  } else {
    await page.getByTestId('gift-card-reference').fill(reference);
    await page.getByTestId('gift-card-apply').click();
  }
}

let reference = '';

test('a gift card sold at the till: the maximum refused in French and English, its receipt with the reference and its barcode', async () => {
  assert.equal((await http(shop.centralUrl, 'GET', `/api/products/${WINE.sku}`, { token: shop.adminToken })).body.priceCents, WINE.priceCents, 'the demo wine');
  await cashier.signIn({ floatLater: true });
  const before = await lastNumber();

  // In English first: the refusal above the store's maximum (500,00 € by default) in English words.
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('sell-gift-card').click();
  await page.getByTestId('gift-card-dialog').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'gift-card-input');
  assert.equal(await page.getByTestId('gift-card-cap').getAttribute('data-cents'), '50000');
  await page.keyboard.type('600', { delay: 120 });
  await page.keyboard.press('Enter');
  const english = await waitForText(page, 'gift-card-error', /Above the maximum amount of a gift card/);
  assert.match(english, /500\.00/);
  await page.keyboard.press('Escape');
  await page.getByTestId('gift-card-dialog').waitFor({ state: 'detached' });
  await page.getByTestId('lang-toggle').click();

  // In French: 0 refused; 30,50 (comma) paid by card sells the card.
  await page.getByTestId('sell-gift-card').click();
  await page.getByTestId('gift-card-input').fill('600');
  await page.getByTestId('gift-card-pay-card').click();
  await waitForText(page, 'gift-card-error', /maximum d’une carte cadeau \(500,00/);
  await page.getByTestId('gift-card-input').fill('0');
  await page.getByTestId('gift-card-pay-card').click();
  const zero = await waitForText(page, 'gift-card-error', /supérieur à zéro/);
  assert.doesNotMatch(zero, /GIFT_CARD|[A-Z]{4,}_/, `words, no code: ${zero}`);
  assert.equal(await lastNumber(), before, 'nothing recorded by a refusal');
  await page.getByTestId('gift-card-input').fill('30,50');
  await assertAccessible(page, 'gift card sale dialog');
  await screenshot(page, 'gift-card-sale-1024x768');
  await page.getByTestId('gift-card-pay-card').click();

  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  reference = (await waitForText(page, 'receipt-gift-card', /^CC-[0-9A-F]{8}-\d+$/)).trim();
  const barcode = page.getByTestId('receipt-gift-card-barcode');
  assert.equal(await barcode.getAttribute('data-value'), reference);
  assert.ok((await barcode.locator('rect').count()) > 10, 'a Code 128 drawn');
  await screenshot(page, 'gift-card-receipt-1024x768');
  const sold = await ticket(number);
  assert.deepEqual(sold.giftCard, { reference, amountCents: 3050 });
  assert.deepEqual(sold.payments.map((p: any) => [p.method, p.amountCents]), [['card', 3050]]);
  const fresh = await card(reference);
  assert.deepEqual([fresh.amountCents, fresh.spentCents, fresh.balanceCents], [3050, 0, 3050]);
  await page.getByTestId('new-sale').click();
});

test('a later sale paid partly with the card (its reference scanned into the payment dialog), the rest by card', async () => {
  assert.ok(reference, 'the card of the first test');
  const total = 2 * WINE.priceCents; // 15,80 €
  await scanWine(2);
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').fill('10');
  await tenderCard(reference, true);
  await page.locator(`[data-testid="payment-due"][data-cents="${total - 1000}"]`).waitFor();
  assert.equal(await page.getByTestId('scan-ignored').count(), 0, 'the scan was taken, not ignored');
  await waitForText(page, 'tenders', new RegExp(reference));
  await assertAccessible(page, 'payment dialog with a gift card');
  await page.getByTestId('pay-card').click();
  await page.getByTestId('confirm-payment').click();
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const paid = await ticket(number);
  assert.deepEqual(paid.payments.map((p: any) => [p.method, p.amountCents, p.reference ?? null]), [['gift_card', 1000, reference], ['card', total - 1000, null]]);
  assert.equal(paid.changeCents, 0);
  assert.equal((await card(reference)).balanceCents, 2050);
  await page.getByTestId('new-sale').click();
});

test('overspending the card: what is left and no more, then refused in words on the screen and by the register', async () => {
  assert.ok(reference, 'the card of the first test');
  const total = 4 * WINE.priceCents; // 31,60 €, more than the 20,50 € left
  await scanWine(4);
  await page.getByTestId('pay').click();
  // Asked for 25 €: the card tenders what is left of it (20,50 €), no more.
  await page.getByTestId('payment-amount').fill('25');
  await tenderCard(reference);
  await page.locator(`[data-testid="payment-due"][data-cents="${total - 2050}"]`).waitFor();
  assert.deepEqual(await tenders(), ['gift_card']);

  // Again: nothing left of it on this ticket; unknown and malformed references, each in words.
  await tenderCard(reference);
  await waitForText(page, 'payment-error', /Il ne reste pas assez sur cette carte cadeau/);
  // Unknown: a number this register never sold a card under, and a prefix of no register of the store.
  await tenderCard(reference.replace(/-\d+$/, '-999999'));
  await waitForText(page, 'payment-error', /^Carte cadeau inconnue$/);
  await tenderCard('CC-00000000-999999');
  await waitForText(page, 'payment-error', /^Carte cadeau inconnue$/);
  await tenderCard('CC-12');
  await waitForText(page, 'payment-error', /pas une référence de carte cadeau/);
  assert.deepEqual(await tenders(), ['gift_card'], 'nothing more tendered');

  // Meanwhile 1 € of the card is spent at the register by another sale (the API, as another screen
  // would): the 20,50 € tendered here are more than is left, and the register refuses the sale.
  const other = await http(reg.url, 'POST', '/api/sales', {
    token,
    body: { lines: [{ sku: WINE.sku, quantity: 1 }], payments: [{ method: 'gift_card', amountCents: 100, reference }, { method: 'cash', amountCents: WINE.priceCents - 100 }] },
  });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const before = await lastNumber();
  await page.getByTestId('pay-card').click();
  await page.locator('[data-testid="payment-due"][data-cents="0"]').waitFor();
  await page.getByTestId('confirm-payment').click();
  await waitForText(page, 'payment-error', /Il ne reste pas assez sur cette carte cadeau/);
  assert.equal(await page.getByTestId('payment-dialog').count(), 1, 'the dialog stays open, nothing recorded');
  assert.equal(await lastNumber(), before);
  const left = await card(reference);
  assert.deepEqual([left.spentCents, left.balanceCents], [1100, 1950]);

  // Tendered again from what is left now: 19,50 € on the card, the rest by card.
  await page.getByTestId('tender-remove').first().click();
  await page.getByTestId('tender-remove').first().click();
  await tenderCard(reference);
  await page.locator(`[data-testid="payment-due"][data-cents="${total - 1950}"]`).waitFor();
  await page.getByTestId('pay-card').click();
  await page.getByTestId('confirm-payment').click();
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  assert.deepEqual((await ticket(number)).payments.map((p: any) => [p.method, p.amountCents]), [['gift_card', 1950], ['card', total - 1950]]);
  assert.equal((await card(reference)).balanceCents, 0);
  assert.deepEqual(cashier.pageErrors, [], 'no uncaught error in the page');
});
