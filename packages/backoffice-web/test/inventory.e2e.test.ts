// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the server it tests): never beside another heavy file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, http, readmeScreenshot } from '@comptoir/testing';
import { ARTIFACTS, closeAll, login, openBrowser, shot, startShop, textMatching, type Shop, type ShopBrowser } from './support/backoffice-browser';

// The stock count screen (Inventaire, issue 12 item 8) in a real Chromium at 1024×768, against a
// real seeded central process: a manager counts a category with the keyboard, saves part of it,
// sees a delivery made meanwhile accounted for, is asked to confirm, and posts ONE adjustment.

let shop: Shop;
let ui: ShopBrowser | undefined;
let page: Page;
let adminToken: string;

const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const level = async (sku: string) => (await http(shop.centralUrl, 'GET', `/api/stock/${sku}?storeId=${shop.storeId}`, { token: adminToken })).body.quantity as number;

before(async () => {
  shop = await startShop('central');
  adminToken = shop.adminToken;
  ui = await openBrowser();
  page = ui.page;
});

after(() => closeAll(ui, shop));

describe('stock count screen (Inventaire) in a browser at 1024×768', () => {
  it('a manager counts a category with the keyboard, a delivery meanwhile is accounted for, and posts one adjustment after confirming', async () => {
    await login(page, shop.centralUrl, shop.manager);
    await page.getByTestId('nav-inventory').click();
    await textMatching(page.locator('h1').first(), /^Inventaire$/);
    await page.getByTestId('inventory-category').selectOption('Presse');
    await page.getByTestId('inventory-start').click();
    const sheet = page.getByTestId('count-sheet');
    await sheet.waitFor();
    const skus = await page.locator('[data-testid^="count-line-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('count-line-'.length)));
    assert.equal(skus.length, 20, 'the 20 active products of Presse');
    const expected = async (sku: string) => Number(await page.getByTestId(`count-expected-${sku}`).textContent());
    const frozen = new Map<string, number>();
    for (const sku of skus) frozen.set(sku, await expected(sku));
    // Every counted field has a name a screen reader reads (the product's label).
    const label = await page.getByTestId(`count-input-${skus[0]}`).getAttribute('aria-label');
    assert.match(label ?? '', /^Quantité comptée — .+/);
    // Fits the screen: the last column is on screen at 1024 px.
    const box = await page.getByTestId(`count-diff-${skus[0]}`).boundingBox();
    assert.ok(box && box.x + box.width <= 1024, `the difference column is on screen (${JSON.stringify(box)})`);

    // The first five lines typed from the keyboard: Enter moves to the next line. Line 2 is 2 short.
    await page.getByTestId(`count-input-${skus[0]}`).focus();
    for (let i = 0; i < 5; i++) {
      const sku = skus[i]!;
      await page.keyboard.type(String(frozen.get(sku)! - (i === 1 ? 2 : 0)));
      await page.keyboard.press('Enter');
      assert.equal(await focusedTestId(), `count-input-${skus[i + 1]}`, `Enter after ${sku} goes to the next line`);
    }
    await textMatching(page.getByTestId(`count-diff-${skus[1]}`), /^-2$/);
    await textMatching(page.getByTestId(`count-diff-${skus[0]}`), /^0$/);
    await textMatching(page.getByTestId(`count-diff-${skus[5]}`), /^—$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await readmeScreenshot(page, 'backoffice-inventory-1024x768', ARTIFACTS);
    await page.getByTestId('count-save').click();
    await textMatching(page.getByTestId('inventory-notice'), /Comptages enregistrés/);
    const countId = (await http(shop.centralUrl, 'GET', '/api/stock-counts?status=open', { token: adminToken })).body.items[0].id as string;
    assert.equal((await http(shop.centralUrl, 'GET', `/api/stock-counts/${countId}`, { token: adminToken })).body.countedCount, 5, 'a partial save');

    // Meanwhile, 3 copies of line 10 are delivered (a reception in the back office).
    const delivered = skus[9]!;
    assert.equal((await http(shop.centralUrl, 'POST', '/api/stock/receptions', { token: adminToken, body: { storeId: shop.storeId, lines: [{ sku: delivered, quantity: 3 }] } })).status, 201);
    // Reopened from the list of the store's counts: the delivery is in the expected quantity.
    await page.getByTestId(`row-menu-count-${countId}`).click(); // the row's actions are behind its menu
    await page.getByTestId(`count-open-${countId}`).click();
    await textMatching(page.getByTestId(`count-expected-${delivered}`), new RegExp(`^${frozen.get(delivered)! + 3}$`));
    await textMatching(page.getByTestId(`count-line-${delivered}`), /\+3/);

    // The rest of the lines; line 10 has one more than expected. A bad entry is marked and blocks saving.
    await page.getByTestId(`count-input-${skus[5]}`).fill('abc');
    assert.equal(await page.getByTestId(`count-input-${skus[5]}`).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('count-save').isDisabled(), true);
    await page.getByTestId(`count-input-${skus[5]}`).fill('');
    await page.getByTestId(`count-input-${skus[5]}`).focus();
    for (let i = 5; i < skus.length; i++) {
      const sku = skus[i]!;
      await page.keyboard.type(String(sku === delivered ? frozen.get(sku)! + 3 + 1 : frozen.get(sku)!));
      await page.keyboard.press('Enter');
    }
    assert.equal(await focusedTestId(), 'count-save', 'Enter on the last line goes to the save button');
    await textMatching(page.getByTestId(`count-diff-${delivered}`), /^\+1$/);
    await textMatching(page.getByTestId('count-progress'), /^20 \/ 20 articles comptés$/);

    // Posting asks first; cancelling posts nothing.
    await page.getByTestId('count-post').click();
    await textMatching(page.getByTestId('count-confirm'), /Valider l’inventaire « Presse » \? Écarts : 2, enregistrés en un seul ajustement/);
    await assertAccessible(page, 'inventory: count sheet with the confirmation');
    await page.getByTestId('count-confirm-no').click();
    assert.equal(await page.getByTestId('count-confirm').count(), 0);
    assert.equal((await http(shop.centralUrl, 'GET', `/api/stock-counts/${countId}`, { token: adminToken })).body.status, 'open', 'cancelled: not posted');

    const before = { short: await level(skus[1]!), delivered: await level(delivered) };
    await page.getByTestId('count-post').click();
    await page.getByTestId('count-confirm-yes').click();
    await textMatching(page.getByTestId('count-posted'), /^Validé le .* par gerant — écarts : 2, enregistrés en un seul ajustement\.$/);
    assert.equal(await sheet.getAttribute('data-status'), 'posted');
    assert.equal(await page.getByTestId(`count-input-${skus[0]}`).getAttribute('readonly'), '', 'a posted count is read only');
    assert.equal(await page.getByTestId('count-post').count(), 0);
    await page.locator(`[data-testid="count-row-${countId}"][data-status="posted"]`).waitFor();

    // Central holds ONE adjustment with every line, by the manager; the levels moved by the differences.
    const posted = (await http(shop.centralUrl, 'GET', `/api/stock-counts/${countId}`, { token: adminToken })).body;
    assert.equal(posted.adjustment.postedBy, shop.manager.username);
    assert.equal(posted.adjustment.lines.length, 20);
    assert.deepEqual(
      posted.adjustment.lines.filter((l: { delta: number }) => l.delta !== 0).map((l: { sku: string; delta: number }) => [l.sku, l.delta]).sort(),
      [[skus[1], -2], [delivered, 1]].sort(),
    );
    assert.deepEqual([await level(skus[1]!), await level(delivered)], [before.short - 2, before.delivered + 1]);
    await assertAccessible(page, 'inventory: posted count');
    await shot(page, 'inventory-posted');

    // In English too.
    await page.getByTestId('lang').selectOption('en');
    await textMatching(page.locator('h1').first(), /^Stock count$/);
    await textMatching(page.getByTestId('count-posted'), /^Posted .* by gerant — differences: 2, recorded as one adjustment\.$/);
    assert.match((await page.getByTestId(`count-input-${skus[0]}`).getAttribute('aria-label')) ?? '', /^Counted quantity — /);
    await page.getByTestId('lang').selectOption('fr');
  });

  it('an open count of the category is resumed, not duplicated; a refusal is shown in French from its code', async () => {
    const opened = await http(shop.centralUrl, 'POST', '/api/stock-counts', { token: adminToken, body: { storeId: shop.storeId, category: 'Boissons' } });
    assert.equal(opened.status, 201);
    await page.getByTestId('inventory-category').selectOption('Boissons');
    await page.getByTestId('inventory-resume').click();
    await page.locator(`[data-testid="count-sheet"][data-status="open"]`).waitFor();
    // Posting with nothing counted: refused by central, the reason read from its code.
    await page.getByTestId('count-post').click();
    await page.getByTestId('count-confirm-yes').click();
    const refused = await textMatching(page.getByTestId('error'), /Des articles ne sont pas encore comptés/);
    assert.doesNotMatch(refused, /STOCK_COUNT_INCOMPLETE|not counted/);
    assert.equal((await http(shop.centralUrl, 'GET', `/api/stock-counts/${opened.body.id}`, { token: adminToken })).body.status, 'open');
    assert.equal((await http(shop.centralUrl, 'GET', '/api/stock-counts?status=open&category=Boissons', { token: adminToken })).body.total, 1, 'resumed, not a second count');
  });
});
