// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, http } from '@comptoir/testing';
import { assertAccessible, openCashierPage, screenshot, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * "Nouveau client" at the till (issue 12 §4, docs/architecture.md §16) in a real browser against a
 * real demo shop: the dialog owns the keyboard (focus in the name, the screen behind inert, Escape
 * closes), a bad e-mail is refused with a French message and creates nothing, a good one creates
 * the customer, attaches it to the sale in progress and the ticket names it; the empty customer
 * search lists it first; central holds it once.
 */
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let reg: { id: string; name: string; url: string };
let pageErrors: string[];

before(async () => {
  cashier = await openCashierPage();
  ({ shop, page, pageErrors } = cashier);
  reg = shop.registers[0]!;
});

after(() => cashier?.close());

async function centralCustomers(q: string): Promise<{ id: string; name: string }[]> {
  return (await http(shop.centralUrl, 'GET', `/api/customers?q=${encodeURIComponent(q)}`, { token: shop.adminToken })).body.items;
}

test('a customer created at the till is attached to the sale, named by its ticket, listed first and held once by central', async () => {
  await cashier.signIn();
  await page.getByTestId('product-tile').first().click();
  await page.getByTestId('tab-customers').click();
  await page.getByTestId('customer-new').click();

  const dialog = page.getByTestId('new-customer-dialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'new-customer-name', 'focus in the name');
  assert.equal(await page.locator('main').getAttribute('inert'), '', 'the screen behind is inert');
  await dialog.getByLabel('Nom', { exact: true }).fill('x');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  await page.getByTestId('customer-new').click();
  await dialog.getByLabel('Nom', { exact: true }).fill('Zoé Martin');
  await dialog.getByLabel(/^E-mail/).fill('zoe@');
  await dialog.getByLabel(/^Téléphone/).fill('07 12 34 56 78');
  await assertAccessible(page, 'new customer dialog');
  await dialog.getByLabel('Nom', { exact: true }).press('Enter');
  const error = await waitForText(page, 'new-customer-error', /e-mail/i);
  assert.doesNotMatch(error, /Invalid|VALIDATION/, `French, no raw code or English: ${error}`);
  assert.equal((await centralCustomers('Zoé')).length, 0);
  await screenshot(page, 'new-customer-1024');

  await dialog.getByLabel(/^E-mail/).fill('zoe.martin@example.fr');
  await dialog.getByLabel(/^E-mail/).press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await waitForText(page, 'cart-customer', /^Zoé Martin$/);

  await page.getByTestId('pay').click();
  await page.getByTestId('payment-amount').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-due"]')?.getAttribute('data-cents') === '0');
  await page.getByTestId('payment-amount').press('Enter');
  const n = Number(await waitForText(page, 'receipt-number', /^\d+$/));
  const token = (await http(reg.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
  const ticket = (await http(reg.url, 'GET', `/api/tickets/${n}`, { token })).body;
  const local = (await http(reg.url, 'GET', '/api/customers?q=zoe.martin', { token })).body.items;
  assert.equal(local.length, 1);
  assert.equal(ticket.customerId, local[0].id, 'the ticket names the new customer');
  await page.getByTestId('new-sale').click();

  await page.getByTestId('tab-customers').click();
  await page.getByTestId('recent-customers').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length > 0);
  assert.equal(await page.getByTestId('customer-row').first().getAttribute('data-id'), local[0].id, 'the empty search lists it first');

  const atCentral = await eventually('at central', async () => {
    const items = await centralCustomers('zoe.martin');
    return items.length > 0 ? items : null;
  }, 30_000);
  assert.deepEqual(atCentral.map((c) => [c.id, c.name]), [[local[0].id, 'Zoé Martin']]);
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
