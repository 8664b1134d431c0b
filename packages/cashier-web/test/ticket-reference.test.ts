// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_MANAGER_AT_TILL, eventually, http } from '@comptoir/testing';
import { approve, assertAccessible, assertDialogOwnsKeyboard, openCashierPage, screenshot, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * Unambiguous tickets (issue 12, docs/architecture.md §18) in a real browser against a real demo
 * shop with two registers: every receipt prints its reference `S01-C<n>-000123` and a Code 128
 * barcode of it; that reference scanned into the sale screen of register 1 opens the ticket — one
 * of its own, or one sold at register 2, read through central — for a return.
 */
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let pageErrors: string[];
type Reg = { id: string; name: string; url: string };
let r1: Reg;
let r2: Reg;
let token1: string;
let token2: string;
type Product = { sku: string; label: string; priceCents: number };
let catalog: Product[];

before(async () => {
  cashier = await openCashierPage({ registers: 2 });
  ({ shop, page, pageErrors } = cashier);
  [r1, r2] = shop.registers as [Reg, Reg];
  token1 = (await http(r1.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  token2 = (await http(r2.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  catalog = (await http(shop.centralUrl, 'GET', '/api/products?limit=50', { token: shop.adminToken })).body.items;
});

after(() => cashier?.close());

async function sellOne(reg: Reg, token: string, product: Product, quantity = 1): Promise<number> {
  const sale = await http(reg.url, 'POST', '/api/sales', {
    token,
    body: { lines: [{ sku: product.sku, quantity }], payments: [{ method: 'cash', amountCents: product.priceCents * quantity }] },
  });
  assert.equal(sale.status, 201, JSON.stringify(sale.body));
  return sale.body.number;
}

/** Types text + Enter into the sale screen's search field, as a keyboard-wedge scanner does. */
async function scan(text: string) {
  await page.getByTestId('tab-sell').click();
  await page.getByTestId('product-search').fill(text);
  await page.getByTestId('product-search').press('Enter');
}

const ref = (registerNumber: number, n: number) => `S01-C${registerNumber}-${String(n).padStart(6, '0')}`;

test('each register of the store numbers its tickets under the store code and its own register number', async () => {
  const stores = await http(shop.centralUrl, 'GET', '/api/stores', { token: shop.adminToken });
  assert.equal(stores.body.items[0].code, 'S01', 'the demo store has the default code');
  const n1 = await sellOne(r1, token1, catalog[0]!);
  const n2 = await sellOne(r2, token2, catalog[0]!);
  // Both tills start at 1: the number alone is ambiguous, the reference is not.
  const [a, b] = await Promise.all([
    http(r1.url, 'GET', `/api/tickets/${n1}/receipt`, { token: token1 }),
    http(r2.url, 'GET', `/api/tickets/${n2}/receipt`, { token: token2 }),
  ]);
  assert.equal(a.body.reference, ref(1, n1));
  assert.equal(b.body.reference, ref(2, n2));
  const lookup = await http(r1.url, 'GET', `/api/ticket-references/${ref(2, n2)}`, { token: token1 });
  assert.equal(lookup.status, 200, JSON.stringify(lookup.body));
  assert.deepEqual(lookup.body, { reference: ref(2, n2), registerId: r2.id, registerName: r2.name, number: n2, own: false });
  const bad = await http(r1.url, 'GET', '/api/ticket-references/nope', { token: token1 });
  assert.equal(bad.status, 400);
  const otherStore = await http(r1.url, 'GET', `/api/ticket-references/S99-C1-000001`, { token: token1 });
  assert.equal(otherStore.status, 404);
  assert.equal(otherStore.body.error.details.reason, 'other_store');
});

test('the receipt on screen prints the reference and its Code 128 barcode', async () => {
  await cashier.signIn({ register: r1 });
  await page.getByTestId('product-tile').first().click();
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-due"]')?.getAttribute('data-cents') === '0');
  await page.getByTestId('payment-amount').press('Enter');
  const n = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  await waitForText(page, 'receipt-reference', new RegExp(`^${ref(1, n)}$`));
  const barcode = page.getByTestId('receipt-barcode');
  assert.equal(await barcode.getAttribute('data-value'), ref(1, n));
  // Code 128 of 13 characters: start, 13 symbols, check, stop — each symbol 3 bars: many rects.
  assert.ok((await barcode.locator('rect').count()) > 30, 'the SVG holds the bars');
  await screenshot(page, 'receipt-with-barcode-1024x768');
  await page.getByTestId('new-sale').click();
});

test('scanning a receipt of this register opens it in Returns', async () => {
  const n = await sellOne(r1, token1, catalog[1]!);
  await scan(ref(1, n));
  await page.getByTestId('return-ticket').waitFor();
  assert.equal(await page.getByTestId('return-ticket').getAttribute('data-number'), String(n));
  assert.equal(await page.getByTestId('return-ticket').getAttribute('data-register'), r1.id);
  assert.equal(await page.getByTestId('return-ticket-register').count(), 0, 'own ticket: no other register named');
  assert.equal(await page.getByTestId('cart-line').count(), 0, 'nothing was added to a sale');
});

test('a cross-register return: a ticket of register 2 scanned at register 1, refunded there, counted once at central', async () => {
  const product = catalog[2]!;
  const n2 = await sellOne(r2, token2, product, 2);
  await eventually('register 2 ticket at central', async () => {
    const list = await http(shop.centralUrl, 'GET', `/api/tickets?registerId=${r2.id}&limit=1000`, { token: shop.adminToken });
    return list.body.items.some((t: { number: number }) => t.number === n2) ? true : null;
  });
  await scan(ref(2, n2));
  await page.getByTestId('return-ticket').waitFor();
  assert.equal(await page.getByTestId('return-ticket').getAttribute('data-register'), r2.id);
  await waitForText(page, 'return-ticket-register', new RegExp(r2.name));
  await page.getByTestId('return-plus-1').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="refund-amount"]')?.getAttribute('data-cents')) > 0);
  assert.equal(Number(await page.getByTestId('refund-amount').getAttribute('data-cents')), product.priceCents);
  await screenshot(page, 'return-other-register-1024x768');
  await assertAccessible(page, 'returns with another register’s ticket');
  await page.getByTestId('refund-cash').click();
  await approve(page, DEMO_MANAGER_AT_TILL);
  const n = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const ret = (await http(r1.url, 'GET', `/api/tickets/${n}`, { token: token1 })).body;
  assert.equal(ret.kind, 'return');
  assert.deepEqual(ret.original, { registerId: r2.id, number: n2 });
  assert.equal(ret.totalCents, -product.priceCents);
  await page.getByTestId('new-sale').click();
  // Central holds the refunded unit: asked again, 1 of the 2 sold is returned.
  const fromR1 = await http(r1.url, 'GET', `/api/tickets/${n2}/returnable?registerId=${r2.id}`, { token: token1 });
  assert.deepEqual(fromR1.body.lines, [{ lineNo: 1, sold: 2, returned: 1 }]);
});

test('a reference of another store is refused on screen, nothing opened', async () => {
  await scan('S99-C1-000001');
  await page.getByTestId('return-error').waitFor();
  assert.equal(await page.getByTestId('return-ticket').count(), 0);
});

test('a duplicata of an older ticket, picked from the history: a signed duplicate naming that ticket', async () => {
  const older = await sellOne(r1, token1, catalog[3]!);
  await sellOne(r1, token1, catalog[4]!);
  await page.getByTestId('tab-sell').click();
  await page.getByTestId('tab-returns').click();
  await page.locator(`[data-testid="recent-ticket"][data-number="${older}"]`).click();
  await page.getByTestId('return-ticket').waitFor();
  await page.getByTestId('print-duplicate').click();
  await page.getByTestId('receipt-duplicata').waitFor();
  await waitForText(page, 'receipt-reference', new RegExp(`^${ref(1, older)}$`));
  const shown = (await page.getByTestId('receipt-duplicata').textContent()) ?? '';
  const dupNumber = Number(/(\d+)/.exec(shown)?.[1]);
  assert.ok(dupNumber >= 1, shown);
  // The next reprint of that same ticket is the next record of the duplicate chain.
  const again = await http(r1.url, 'POST', `/api/tickets/${older}/duplicates`, { token: token1 });
  assert.equal(again.status, 201);
  assert.equal(again.body.duplicate.number, dupNumber + 1);
  assert.equal(again.body.ticket.number, older);
  // The duplicata dialog owns the keyboard like the others: modal, named, the focus on "close", the
  // returns screen behind inert.
  await assertDialogOwnsKeyboard(page, 'duplicate-dialog', 'duplicate-close');
  await assertAccessible(page, 'duplicata dialog');
  // A scan while it is open (another ticket's reference, in one burst + Enter) is ignored: the
  // dialog stays open and the returns screen still shows the same ticket.
  const other = ref(1, older + 1);
  await page.keyboard.type(other);
  await page.keyboard.press('Enter');
  await waitForText(page, 'scan-ignored', new RegExp(other));
  assert.equal(await page.getByTestId('duplicate-dialog').count(), 1, 'the Enter of the scan did not close the dialog');
  assert.equal(await page.getByTestId('return-ticket').getAttribute('data-number'), String(older), 'the scan opened no other ticket');
  // Escape closes it, the focus back on the button that opened it.
  await page.keyboard.press('Escape');
  await page.getByTestId('duplicate-dialog').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'print-duplicate');
  assert.equal(await page.getByRole('dialog').count(), 0);
  // Opened again, its close button closes it too.
  await page.getByTestId('print-duplicate').click();
  await page.getByTestId('duplicate-close').click();
  await page.getByTestId('duplicate-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('dialog').count(), 0);
});

test('a 10 % whole-ticket discount, spread over the lines; 15 % needs the manager', async () => {
  await page.getByTestId('tab-sell').click();
  const tiles = page.getByTestId('product-tile');
  await tiles.nth(0).click();
  await tiles.nth(1).click();
  await tiles.nth(1).click();
  const before = Number(await page.getByTestId('cart-total').getAttribute('data-cents'));
  await page.getByTestId('ticket-discount').click();
  await page.getByTestId('ticket-discount-input').fill('10 %');
  await page.getByTestId('ticket-discount-apply').click();
  const discount = Math.floor((before * 1000 * 2 + 10000) / 20000);
  await page.waitForFunction((d) => document.querySelector('[data-testid="ticket-discount-amount"]')?.getAttribute('data-cents') === String(d), discount);
  assert.equal(Number(await page.getByTestId('cart-total').getAttribute('data-cents')), before - discount);
  await screenshot(page, 'ticket-discount-1024x768');
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-due"]')?.getAttribute('data-cents') === '0');
  await page.getByTestId('payment-amount').press('Enter');
  const n = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const ticket = (await http(r1.url, 'GET', `/api/tickets/${n}`, { token: token1 })).body;
  assert.equal(ticket.totalCents, before - discount);
  assert.equal(ticket.lines.reduce((s: number, l: { discountCents: number }) => s + l.discountCents, 0), discount, 'the shares are on the lines');
  await page.getByTestId('new-sale').click();

  // 15 %: above the cashier's 10 %, the manager approves.
  await tiles.nth(0).click();
  await page.getByTestId('ticket-discount').click();
  await page.getByTestId('ticket-discount-input').fill('15%');
  await page.getByTestId('ticket-discount-apply').click();
  await page.getByTestId('ticket-discount-amount').waitFor();
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-due"]')?.getAttribute('data-cents') === '0');
  await page.getByTestId('payment-amount').press('Enter');
  await waitForText(page, 'approval-reasons', /remise/i);
  await approve(page, DEMO_MANAGER_AT_TILL);
  const m = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const approved = (await http(r1.url, 'GET', `/api/tickets/${m}`, { token: token1 })).body;
  const gross = approved.lines[0].unitPriceCents * approved.lines[0].quantity;
  assert.equal(approved.lines[0].discountCents, Math.floor((gross * 1500 * 2 + 10000) / 20000), '15 % of the ticket');
  await page.getByTestId('new-sale').click();
});

test('an empty customer search shows the customers seen most recently first', async () => {
  const product = catalog[5]!;
  for (const customerId of ['demo-customer-04', 'demo-customer-09']) {
    const sale = await http(r1.url, 'POST', '/api/sales', {
      token: token1,
      body: { lines: [{ sku: product.sku, quantity: 1 }], payments: [{ method: 'cash', amountCents: product.priceCents }], customerId },
    });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
  }
  await page.getByTestId('tab-customers').click();
  await page.getByTestId('recent-customers').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length > 2);
  const ids = await page.getByTestId('customer-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  assert.deepEqual(ids.slice(0, 2), ['demo-customer-09', 'demo-customer-04'], 'the last customer served first');
  await page.getByTestId('customer-search').fill('Camille');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 1);
  assert.equal(await page.getByTestId('recent-customers').count(), 0, 'a search is not "recent"');
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
