/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { ensureWebBuilt, launchChromium } from '@comptoir/testing';
import { startDemo, type DemoShop } from './demo-shop';

// A real shop and a real browser for the cashier screen's tests: the demo (demo-shop.ts), a real
// Chromium (Debian's, or the one npm installed: @comptoir/testing's launchChromium) driven by playwright-core.

export { setLink, startDemo, type DemoShop } from './demo-shop';

const PACKAGE_DIR = resolve(fileURLToPath(import.meta.url), '../../..');
export const ARTIFACTS_DIR = resolve(PACKAGE_DIR, '../../test-artifacts/cashier-web');

/** The usual till's screen: the page size of every cashier browser test unless it measures another. */
export const TILL_VIEWPORT = { width: 1024, height: 768 } as const;

export interface CashierPage {
  shop: DemoShop;
  browser: Browser;
  /** A 1024×768 page (or the viewport asked for), not yet on any register. */
  page: Page;
  /** Uncaught errors of every page opened here (a test ends by asserting there are none). */
  pageErrors: string[];
  /** One more page (its own context: its own session storage), its errors caught into `pageErrors`. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /**
   * Opens a register's screen (the first by default) and signs the demo cashier in: waits for the
   * banner to say connected, types login and PIN, Enter, the sale screen. `floatLater` answers the
   * first-login float prompt with "later" when it shows.
   */
  signIn(options?: { page?: Page; register?: { url: string }; floatLater?: boolean }): Promise<void>;
  /** The browser closed, the demo stopped and its data removed. */
  close(): Promise<void>;
}

/**
 * The set-up of a cashier browser test: a demo shop (`registers` tills), a real Chromium, a page at
 * 1024×768 (`context` adds or overrides context options, e.g. a time zone) catching page errors.
 */
export async function openCashierPage(options: { registers?: number; context?: BrowserContextOptions } = {}): Promise<CashierPage> {
  ensureWebBuilt(PACKAGE_DIR); // the screen built when dist/ is missing or older than its sources (`npm test` builds it first)
  const shop = await startDemo(options.registers ?? 1);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const opened = browser;
    const pageErrors: string[] = [];
    const newPage = async (contextOptions: BrowserContextOptions = {}) => {
      const page = await (await opened.newContext({ viewport: TILL_VIEWPORT, ...contextOptions })).newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      return page;
    };
    const page = await newPage(options.context);
    return {
      shop,
      browser,
      page,
      pageErrors,
      newPage,
      async signIn(o = {}) {
        const p = o.page ?? page;
        await p.goto((o.register ?? shop.registers[0]!).url);
        await waitForText(p, 'connection-mode', /Connecté|connected/i, 30_000);
        await p.getByTestId('login-input').fill(shop.cashier.login);
        await p.getByTestId('pin-input').fill(shop.cashier.pin);
        await p.getByTestId('pin-input').press('Enter');
        await p.getByTestId('product-search').waitFor();
        if (o.floatLater) await p.getByTestId('float-later').click({ timeout: 5_000 }).catch(() => undefined);
      },
      async close() {
        await opened.close();
        await shop.stop();
      },
    };
  } catch (e) {
    await browser?.close();
    await shop.stop();
    throw e;
  }
}

/** Waits until the element's text matches `re` (a condition, not a duration: fails with the last text). */
export async function waitForText(page: Page, testId: string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  try {
    await page.waitForFunction(
      ({ id, source, flags }) => new RegExp(source, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
      { id: testId, source: re.source, flags: re.flags },
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (e) {
    const last = await page.locator(`[data-testid="${testId}"]`).first().textContent().catch(() => null);
    throw new Error(`[data-testid=${testId}] never matched ${re} (last text: ${JSON.stringify(last)})`, { cause: e });
  }
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

/**
 * The dialog `testId` owns the keyboard as every dialog of the cashier screen must (KeyboardDialog):
 * a modal dialog (`role="dialog"`, `aria-modal="true"`) with an accessible name, the focus in it on
 * `focusedTestId`, and nothing focusable outside it that is not inert (the screen behind takes no
 * Tab, no click, no key). Fails saying which of these does not hold.
 */
export async function assertDialogOwnsKeyboard(page: Page, testId: string, focusedTestId: string): Promise<void> {
  const dialog = page.getByTestId(testId);
  await dialog.waitFor();
  if ((await dialog.getAttribute('role')) !== 'dialog') throw new Error(`${testId}: not role="dialog"`);
  if ((await dialog.getAttribute('aria-modal')) !== 'true') throw new Error(`${testId}: not aria-modal="true"`);
  const name = await dialog.evaluate((el) => {
    const by = el.getAttribute('aria-labelledby');
    return (by ? document.getElementById(by)?.textContent : el.getAttribute('aria-label'))?.trim() ?? '';
  });
  if (!name) throw new Error(`${testId}: no accessible name (aria-label or aria-labelledby)`);
  try {
    await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, focusedTestId, { timeout: 5_000, polling: 50 });
  } catch (e) {
    const at = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
    throw new Error(`${testId}: the focus is not on ${focusedTestId} (it is on ${at})`, { cause: e });
  }
  const reachable = await dialog.evaluate((el) =>
    Array.from(document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]'))
      .filter((x) => !el.contains(x) && !x.closest('[inert]') && !x.hasAttribute('disabled'))
      .map((x) => x.getAttribute('data-testid') ?? x.outerHTML.slice(0, 80)),
  );
  if (reachable.length > 0) throw new Error(`${testId}: the screen behind is still reachable: ${reachable.join(', ')}`);
}

/** Types a manager's login and PIN in the approval dialog (approval.dialog.tsx) and confirms. */
export async function approve(page: Page, who: { login: string; pin: string }): Promise<void> {
  await page.getByTestId('approval-dialog').waitFor();
  await page.getByTestId('approval-login').fill(who.login);
  await page.getByTestId('approval-pin').fill(who.pin);
  await page.getByTestId('approval-confirm').click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

// The accessibility check is @comptoir/testing's, shared with the back office's browser tests.
export { assertAccessible } from '@comptoir/testing';
