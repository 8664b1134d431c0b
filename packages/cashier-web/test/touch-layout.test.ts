// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
/// <reference lib="dom" />
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { http, readmeScreenshot } from '@comptoir/testing';
import { ARTIFACTS_DIR, assertAccessible, openCashierPage, type CashierPage } from './support/cashier-browser';

/**
 * The touch layout of the sale screen (issue 12) on the usual till, 1024×768, and on 1920×1080:
 * the category bar scrolls sideways (its last category reachable), tile labels are clamped to
 * their tile, the cart shows at least 6 lines and follows the line just added. The screenshots it
 * takes are the README's (docs/screens/, rewritten with COMPTOIR_UPDATE_SCREENS=1: readmeScreenshot).
 */
let cashier: CashierPage;

before(async () => {
  cashier = await openCashierPage();
  // The day's float is counted: the first-login float banner (which takes the top of the screen until
  // answered) does not show, so what is measured is the selling layout.
  const reg = cashier.shop.registers[0]!;
  const token = (await http(reg.url, 'POST', '/api/auth/login', { body: cashier.shop.cashier })).body.token;
  const float = await http(reg.url, 'POST', '/api/cash/movements', { token, body: { kind: 'float', amountCents: 15000, reason: 'fond de caisse' } });
  assert.equal(float.status, 201, JSON.stringify(float.body));
});
after(() => cashier?.close());

async function signedIn(width: number, height: number): Promise<Page> {
  const page = await cashier.newPage({ viewport: { width, height } });
  await cashier.signIn({ page });
  return page;
}

const shoot = (page: Page, name: string) => readmeScreenshot(page, name, ARTIFACTS_DIR);

/** Lines of the cart fully inside the cart's scroll box. */
const visibleLines = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector('[data-testid="cart-lines"]')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll('[data-testid="cart-line"]')).filter((li) => {
      const r = li.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    }).length;
  });

for (const [width, height] of [[1024, 768], [1920, 1080]] as const) {
  test(`sale screen at ${width}×${height}: categories scroll sideways, labels clamp, ≥ 6 cart lines, the cart follows the last line`, async () => {
    const page = await signedIn(width, height);
    await page.getByTestId('category').first().waitFor();
    await page.getByTestId('product-tile').first().waitFor();
    // Categories: one row; the last one is reachable (scrolled into view, clickable) however many there are.
    const bar = await page.evaluate(() => {
      const el = document.querySelector('[data-testid="category"]')!.parentElement!;
      const s = getComputedStyle(el);
      return { wrap: s.flexWrap, overflowX: s.overflowX, rows: new Set(Array.from(el.children).map((c) => Math.round(c.getBoundingClientRect().top))).size };
    });
    assert.deepEqual(bar, { wrap: 'nowrap', overflowX: 'auto', rows: 1 });
    const categories = page.getByTestId('category');
    const last = categories.last();
    const lastName = (await last.textContent())!;
    await last.click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="product-grid"]')?.getAttribute('data-shelf') === name, lastName.trim());
    await categories.first().click();

    // Tile labels never spill out of their tile: at most 2 lines, clipped.
    const spills = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.tile')).filter((tile) => {
        const label = tile.querySelector('.tile-label')!.getBoundingClientRect();
        const t = tile.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(tile.querySelector('.tile-label')!).lineHeight) || 20;
        return label.right > t.right + 1 || label.height > lineHeight * 2 + 2;
      }).length,
    );
    assert.equal(spills, 0, 'labels clamped to 2 lines inside their tile');

    // Ten different products: at least 6 lines fully shown, and the last one added is in view.
    const tiles = page.getByTestId('product-tile');
    for (let i = 0; i < 10; i++) {
      await tiles.nth(i).click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="cart-line"]').length === n, i + 1);
    }
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-testid="cart-lines"]')!.getBoundingClientRect();
      const lines = document.querySelectorAll('[data-testid="cart-line"]');
      const r = lines[lines.length - 1]!.getBoundingClientRect();
      return r.bottom <= box.bottom + 1 && r.top >= box.top - 1;
    });
    // Nothing wider than the screen: the cart and its lines fit (no sideways scroll of the page).
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      cart: document.querySelector('.cart')!.getBoundingClientRect().right - window.innerWidth,
      lines: Array.from(document.querySelectorAll('[data-testid="cart-line"]')).filter((li) => li.scrollWidth > li.clientWidth + 1).length,
    }));
    assert.deepEqual(overflow, { page: 0, cart: 0, lines: 0 }, 'no horizontal overflow');
    const shown = await visibleLines(page);
    assert.ok(shown >= 6, `${shown} cart lines shown at ${width}×${height}`);
    await assertAccessible(page, `sale screen ${width}×${height}`);
    await shoot(page, `sale-${width}x${height}`);
    await page.getByTestId('tab-returns').click();
    await page.getByTestId('return-ticket-input').waitFor();
    await shoot(page, `returns-${width}x${height}`);
    await page.getByTestId('tab-sell').click();
    await page.getByTestId('cart-clear').click();
    await page.context().close();
    assert.deepEqual(cashier.pageErrors, [], 'no uncaught error in the page');
  });
}
