// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Product } from '@comptoir/protocol';
import { eventually, http } from '@comptoir/testing';
import { assertAccessible, openCashierPage, screenshot, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * Selling an open-price item (issue 12 item 4) on the cashier screen, in a real Chromium against a
 * real demo shop: the owner flags an item open price with a 50 € cap at central; it reaches the
 * till's copy; scanning it (or tapping its tile) opens the price dialog, which owns the keyboard —
 * focus in the amount, a scan into it ignored, above the cap refused, Escape cancels, Enter
 * confirms — with the amount typed in euros with a comma or a dot, and the quantity multiplier
 * (`2*` then the scan) applied; the ticket the register signs holds the prices typed.
 */
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let reg: { id: string; url: string };
let token: string;
let pageErrors: string[];
const OPEN = { sku: 'DIVERS-WEB', label: 'Article divers', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: ['2990000000024'], openPrice: true, openPriceMaxCents: 5000 };

before(async () => {
  cashier = await openCashierPage();
  ({ shop, page, pageErrors } = cashier);
  reg = shop.registers[0]!;
  const created = await http(shop.centralUrl, 'POST', '/api/products', { token: shop.adminToken, body: OPEN });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  token = (await http(reg.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  // The new item reaches the till through its changes (pushed hint, then the pull).
  await eventually('the open-price item in the till copy', async () => {
    const r = await http(reg.url, 'GET', `/api/products?q=${OPEN.sku}`, { token });
    return r.body.items?.[0]?.openPriceMaxCents === 5000;
  }, 30_000);
});

after(() => cashier?.close());

/** The keystrokes of a barcode scanner (a keyboard wedge): the characters in one burst, then Enter. */
async function scanKeystrokes(code: string) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}
const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const cartLines = () =>
  page.getByTestId('cart-line').evaluateAll((els) => els.map((e) => [e.getAttribute('data-sku'), Number(e.getAttribute('data-quantity')), (e.querySelector('[data-testid="line-total"]')?.textContent ?? '').replace(/\s/g, ' ')]));

test('an open-price item: scanned or tapped, its price typed in a dialog that owns the keyboard, sold and signed at that price', async () => {
  const other = ((await http(shop.centralUrl, 'GET', '/api/products?limit=50', { token: shop.adminToken })).body.items as Product[]).find((p) => p.barcodes.length > 0 && !p.openPrice)!;
  await cashier.signIn({ floatLater: true });

  // A scan of the item: the price dialog, the focus in its amount; nothing in the cart yet.
  await page.getByTestId('product-search').click();
  await scanKeystrokes(OPEN.barcodes[0]!);
  await page.getByTestId('open-price-dialog').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'open-price-input');
  assert.equal(await page.getByTestId('open-price-cap').getAttribute('data-cents'), '5000');
  assert.equal(await page.getByTestId('cart-line').count(), 0);
  await assertAccessible(page, 'open-price dialog');
  await screenshot(page, 'open-price-dialog');

  // A scan into the dialog is ignored: not in the amount, not in the cart, the dialog still open.
  await scanKeystrokes(other.barcodes[0]!);
  await waitForText(page, 'scan-ignored', new RegExp(other.barcodes[0]!));
  assert.equal(await page.getByTestId('open-price-input').inputValue(), '');
  assert.equal(await page.getByTestId('open-price-dialog').count(), 1);
  assert.equal(await page.getByTestId('cart-line').count(), 0);

  // Above the cap: refused in the dialog. Escape cancels: nothing added, the focus back in the search.
  await page.keyboard.type('80', { delay: 120 });
  await page.keyboard.press('Enter');
  await waitForText(page, 'open-price-error', /50,00/);
  assert.equal(await page.getByTestId('open-price-dialog').count(), 1);
  await page.keyboard.press('Escape');
  await page.getByTestId('open-price-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('cart-line').count(), 0);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'product-search');

  // "2*" then the scan: the dialog for two units; 12,5 (comma) and Enter → one line of 2 × 12,50 €.
  await page.keyboard.type('2*', { delay: 120 });
  await page.getByTestId('multiplier').waitFor();
  await scanKeystrokes(OPEN.barcodes[0]!);
  await page.getByTestId('open-price-dialog').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'open-price-input');
  await page.keyboard.type('12,5', { delay: 120 });
  await page.keyboard.press('Enter');
  await page.getByTestId('open-price-dialog').waitFor({ state: 'detached' });
  await page.locator('[data-testid="cart-total"][data-cents="2500"]').waitFor();
  assert.equal(await focusedTestId(), 'product-search', 'back to the search for the next scan');

  // Tapping its tile (found by name): 3.40 (dot) and the confirm button → a second line at its own price.
  await page.getByTestId('product-search').fill('divers');
  await page.locator(`[data-testid="product-tile"][data-sku="${OPEN.sku}"]`).click();
  await page.getByTestId('open-price-dialog').waitFor();
  await page.getByTestId('open-price-input').fill('3.40');
  await page.getByTestId('open-price-confirm').click();
  await page.locator('[data-testid="cart-total"][data-cents="2840"]').waitFor();
  assert.deepEqual(await cartLines(), [[OPEN.sku, 2, '25,00 €'], [OPEN.sku, 1, '3,40 €']]);

  // Paid in cash from the keyboard; the register signs the prices typed.
  await page.keyboard.press('F4');
  await page.getByTestId('payment-dialog').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'payment-amount');
  await page.keyboard.press('Enter');
  await page.getByTestId('tender').waitFor();
  await page.keyboard.press('Enter');
  const number = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const ticket = (await http(reg.url, 'GET', `/api/tickets/${number}`, { token })).body;
  assert.deepEqual(ticket.lines.map((l: any) => [l.sku, l.quantity, l.unitPriceCents, l.totalCents]), [[OPEN.sku, 2, 1250, 2500], [OPEN.sku, 1, 340, 340]]);
  assert.equal(ticket.totalCents, 2840);
  assert.deepEqual(pageErrors, []);
});
