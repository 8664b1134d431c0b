// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_MANAGER_AT_TILL, http } from '@comptoir/testing';
import { approve, assertAccessible, openCashierPage, screenshot, waitForText, type CashierPage, type DemoShop } from './support/cashier-browser';

/**
 * The cash drawer on the cashier screen, in a real Chromium against a real demo shop: the float
 * asked at the first login of the day, a paid-out, a no-sale opening and training mode on and off
 * (each approved by a manager's PIN), a cash sale, then the count by coins and notes at closing,
 * 1.50 short; every figure checked against the register's own API.
 */
let cashier: CashierPage;
let shop: DemoShop;
let page: Page;
let reg: { id: string; url: string };
let apiToken: string;
let pageErrors: string[];

before(async () => {
  cashier = await openCashierPage();
  ({ shop, page, pageErrors } = cashier);
  reg = shop.registers[0]!;
  apiToken = (await http(reg.url, 'POST', '/api/auth/login', { body: shop.cashier })).body.token;
});

after(() => cashier?.close());

const drawer = async () => (await http(reg.url, 'GET', '/api/cash/drawer', { token: apiToken })).body;

test('float at the first login, a paid-out, a no-sale, training mode, a cash sale, the count by denomination at closing', async () => {
  await cashier.signIn();
  // First login of the day: the float is asked for (a banner: selling is never blocked).
  await page.getByTestId('float-prompt').waitFor();
  await page.getByTestId('float-amount').fill('150');
  await page.getByTestId('float-save').click();
  await page.getByTestId('float-prompt').waitFor({ state: 'detached' });
  let d = await drawer();
  assert.equal(d.floatSet, true);
  assert.equal(d.floatCents, 15000);

  // A paid-out from the report tab's drawer panel: it needs a manager, the approval dialog asks for one.
  // Cancelled, nothing is written and the panel says so; approved, the paid-out is signed with its approver.
  await page.getByTestId('tab-report').click();
  await waitForText(page, 'drawer-float', /150,00/);
  await assertAccessible(page, 'drawer');
  await page.getByTestId('drawer-kind').selectOption('out');
  await page.getByTestId('drawer-amount').fill('12,30');
  await page.getByTestId('drawer-reason').fill('Timbres');
  await page.getByTestId('drawer-submit').click();
  await waitForText(page, 'approval-reasons', /sortie d’espèces/);
  await page.getByTestId('approval-cancel').click();
  await waitForText(page, 'drawer-error', /annulée/);
  assert.deepEqual((await drawer()).movements.map((m: any) => m.payload.kind), ['float'], 'a cancelled paid-out writes nothing');
  await page.getByTestId('drawer-submit').click();
  await approve(page, DEMO_MANAGER_AT_TILL);
  await waitForText(page, 'drawer-out', /12,30/);
  assert.equal(await page.getByTestId('approval-dialog').count(), 0, 'the dialog closed');
  d = await drawer();
  assert.deepEqual(d.movements.map((m: any) => [m.payload.kind, m.payload.amountCents, m.payload.reason]), [['float', 15000, ''], ['out', 1230, 'Timbres']]);
  assert.deepEqual(d.movements[1].payload.approvedBy, { cashierId: d.movements[1].payload.approvedBy.cashierId, login: DEMO_MANAGER_AT_TILL.login, role: 'manager', reasons: ['paid_out'] });
  assert.equal(d.movements[0].payload.approvedBy, undefined, 'a float needs no approval');

  // Opening the drawer without a sale: always a manager's approval; the register signs the opening
  // (the demo has no printer: the panel says the opening is recorded but no printer drives the drawer).
  const managerToken = (await http(reg.url, 'POST', '/api/auth/login', { body: DEMO_MANAGER_AT_TILL })).body.token;
  const noSales = async () =>
    (await http(reg.url, 'GET', '/api/events?limit=200', { token: managerToken })).body.items.filter((e: any) => e.event === 'drawer_opened_no_sale');
  assert.equal((await noSales()).length, 0);
  await page.getByTestId('drawer-open').click();
  await waitForText(page, 'drawer-error', /motif de l’ouverture/);
  assert.equal(await page.getByTestId('approval-reasons').count(), 0, 'no reason: refused on the screen, no approval asked');
  await page.getByTestId('drawer-reason').fill('Monnaie');
  await page.getByTestId('drawer-open').click();
  await waitForText(page, 'approval-reasons', /ouverture du tiroir sans vente/);
  await approve(page, DEMO_MANAGER_AT_TILL);
  await waitForText(page, 'drawer-notice', /Ouverture enregistrée/);
  const [opened] = await noSales();
  assert.deepEqual(
    [opened.code, opened.details.byLogin, opened.details.approvedByLogin, opened.details.reason],
    [1090, shop.cashier.login, DEMO_MANAGER_AT_TILL.login, 'Monnaie'],
  );
  assert.equal((await drawer()).movements.length, 2, 'a no-sale moves no cash');

  // Training mode from the same tab: the cashier's switch asks for a manager, the banner follows.
  await page.getByTestId('training-toggle').click();
  await waitForText(page, 'approval-reasons', /mode formation/);
  await approve(page, DEMO_MANAGER_AT_TILL);
  await page.getByTestId('training-banner').waitFor();
  await waitForText(page, 'training-toggle', /Quitter le mode formation/);
  assert.equal((await http(reg.url, 'GET', '/api/status')).body.training, true);
  await page.getByTestId('training-toggle').click();
  await approve(page, DEMO_MANAGER_AT_TILL);
  await page.getByTestId('training-banner').waitFor({ state: 'detached' });
  assert.equal((await http(reg.url, 'GET', '/api/status')).body.training, false);
  const switches = (await http(reg.url, 'GET', '/api/events?limit=200', { token: managerToken })).body.items.filter((e: any) => e.event.startsWith('training_'));
  assert.deepEqual(switches.map((e: any) => [e.event, e.details.approvedByLogin]), [['training_end', DEMO_MANAGER_AT_TILL.login], ['training_start', DEMO_MANAGER_AT_TILL.login]]);

  // A cash sale through the register's API (the sale screen has its own tests): 1 unit, paid exactly.
  const product = (await http(shop.centralUrl, 'GET', '/api/products?limit=1', { token: shop.adminToken })).body.items[0];
  const sale = await http(reg.url, 'POST', '/api/sales', { token: apiToken, body: { lines: [{ sku: product.sku, quantity: 1 }], payments: [{ method: 'cash', amountCents: product.priceCents }] } });
  assert.equal(sale.status, 201);
  await page.reload();
  await page.getByTestId('tab-report').click();
  const expected = 15000 - 1230 + product.priceCents;
  await page.waitForFunction((v) => document.querySelector('[data-testid="drawer"]')?.getAttribute('data-expected') === String(v), expected);

  // The count, coin by coin and note by note: 1.50 short of what is expected.
  const counted = expected - 150;
  const tens = Math.floor(counted / 1000);
  const cents = counted - tens * 1000;
  await page.getByTestId('count-1000').fill(String(tens));
  await page.getByTestId('count-1').fill(String(cents));
  await waitForText(page, 'count-total', new RegExp(`${Math.floor(counted / 100)},${String(counted % 100).padStart(2, '0')}`));
  await page.getByTestId('close-day').click();
  await page.getByTestId('close-day-confirm').click();
  // A manual Z needs a manager: the approval dialog asks for one.
  await waitForText(page, 'approval-reasons', /clôture/);
  await approve(page, DEMO_MANAGER_AT_TILL);
  await page.getByTestId('closure-cash').waitFor();
  assert.equal(await page.getByTestId('closure-cash').getAttribute('data-difference'), '-150');
  await waitForText(page, 'closure-cash', /1,50/);
  await screenshot(page, 'cash-drawer-count');

  const z = (await http(reg.url, 'GET', '/api/closures?limit=1', { token: apiToken })).body.items[0];
  assert.deepEqual([z.payload.cashExpectedCents, z.payload.cashCountedCents, z.payload.cashDifferenceCents], [expected, counted, -150]);
  d = await drawer();
  // After the Z the drawer shows the next business day (architecture §14); the closing count is its lastCount.
  assert.equal(d.movements.length, 0);
  const count = d.lastCount;
  assert.deepEqual(count.payload.denominations, [{ valueCents: 1, count: cents }, { valueCents: 1000, count: tens }].filter((x) => x.count > 0).sort((a, b) => a.valueCents - b.valueCents));
  assert.equal(d.closed, true);
  assert.deepEqual(pageErrors, []);
});
