/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, eventually, http, launchChromium, readmeScreenshot, spawnComptoir, startCentralProcess, tempDir, type ChildHandle } from '@comptoir/testing';

// A real shop and a real browser for the back office's tests (the twin of cashier-web's
// test/support/cashier-browser.ts): `comptoir demo` (central + 2 registers in their own process,
// links cuttable from the back office) or a lone seeded central process, and a real Chromium
// (@comptoir/testing's launchChromium: Debian's or npm's) driven by playwright-core, on a page of a
// shop in France at 1024×768. Each browser file starts its own shop, so the files spread through the
// test pool (scripts/run-tests.mjs) instead of one long file.

const WEB_DIR = resolve(fileURLToPath(import.meta.url), '../../..');
export const ARTIFACTS = resolve(WEB_DIR, '../../test-artifacts');

/** The screen every back-office test works on (docs/testing.md: browser tests run at 1024×768). */
export const VIEWPORT = { width: 1024, height: 768 } as const;
/** The browser of a shop in France: French locale, the store's time zone (Europe/Paris in the demo). */
export const SHOP_BROWSER = { locale: 'fr-FR', timezoneId: 'Europe/Paris' } as const;

export interface Shop {
  centralUrl: string;
  admin: { username: string; password: string };
  manager: { username: string; password: string };
  cashier: { login: string; pin: string };
  storeId: string;
  /** The demo's registers, each connected when the shop is handed over; none for a lone central. */
  registers: { id: string; name: string; url: string }[];
  adminToken: string;
  stop(): Promise<void>;
}

/**
 * A shop for the back office: `demo` runs `comptoir demo` (central + 2 registers, each connected
 * before this answers); `central` a lone central process seeded with the demo store (no register:
 * faster, for the screens that need none).
 */
export async function startShop(kind: 'demo' | 'central'): Promise<Shop> {
  ensureWebBuilt(WEB_DIR); // the central server serves dist/: built when missing or older than its sources (`npm test` builds it first)
  const dir = await tempDir(`comptoir-backoffice-${kind}-`);
  let handle: ChildHandle | undefined;
  try {
    let shop: Omit<Shop, 'adminToken' | 'stop'>;
    if (kind === 'demo') {
      handle = spawnComptoir(['demo', '--data', dir.path, '--port', '0'], { name: 'demo', env: { COMPTOIR_LOG_LEVEL: 'warn' } });
      const file = join(dir.path, 'demo.json');
      shop = await eventually('demo.json written', async () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Omit<Shop, 'adminToken' | 'stop'>) : null), 60_000);
      for (const r of shop.registers) {
        await eventually(`${r.name} connected`, async () => (await http(r.url, 'GET', '/api/status')).body.mode === 'connected', 30_000);
      }
    } else {
      const central = await startCentralProcess({ dataDir: dir.path });
      handle = central.handle;
      shop = { centralUrl: central.url, ...central.credentials(), registers: [] };
    }
    const login = await http(shop.centralUrl, 'POST', '/api/auth/login', { body: shop.admin });
    assert.equal(login.status, 200, `admin login: ${JSON.stringify(login.body)}`);
    const child = handle;
    return {
      ...shop,
      adminToken: login.body.token,
      async stop() {
        await child.stop();
        await dir.cleanup();
      },
    };
  } catch (e) {
    await handle?.stop();
    await dir.cleanup();
    throw e;
  }
}

export interface ShopBrowser {
  browser: Browser;
  /** A page of its own context (axe, assertAccessible, needs one made by browser.newContext()), at 1024×768. */
  page: Page;
  /** Uncaught errors of every page opened here (`pageerror`): `closeAll` fails when there is one. */
  pageErrors: string[];
  /** Another page in a context of its own (another user's session), a shop's browser too. */
  newPage(): Promise<Page>;
}

/** Chromium with one page of a shop's browser in France (fr-FR, Europe/Paris, 1024×768), its page errors captured. */
export async function openBrowser(): Promise<ShopBrowser> {
  const browser = await launchChromium();
  const pageErrors: string[] = [];
  const newPage = async () => {
    const page = await (await browser.newContext({ ...SHOP_BROWSER, viewport: VIEWPORT })).newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return page;
  };
  return { browser, page: await newPage(), pageErrors, newPage };
}

/**
 * The file's `after`: closes the browser, then stops the shop (in that order: a page left open on a
 * stopped server would throw), and fails when a page threw an uncaught error during the file.
 */
export async function closeAll(ui: ShopBrowser | undefined, shop: Shop | undefined): Promise<void> {
  try {
    await ui?.browser.close();
  } finally {
    await shop?.stop();
  }
  assert.deepEqual(ui?.pageErrors ?? [], [], 'no uncaught error in the back office pages');
}

/** Signs in on the back office's login screen (Enter submits) and waits for the signed-in shell. */
export async function login(page: Page, centralUrl: string, who: { username: string; password: string }): Promise<void> {
  await page.goto(`${centralUrl}/`);
  await page.getByTestId('username').fill(who.username);
  await page.getByTestId('password').fill(who.password);
  await page.getByTestId('password').press('Enter');
  await textMatching(page.getByTestId('who'), new RegExp(who.username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

/** The element's text once it matches `re` (screens render after a fetch or a state change); fails with the last text. */
export async function textMatching(locator: Locator, re: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.textContent()) ?? '';
    if (re.test(text) || Date.now() > deadline) {
      assert.match(text, re);
      return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A full-page screenshot into test-artifacts/ (`backoffice-NAME.png`). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `backoffice-${name}.png`), fullPage: true });
}

/** One of the README's screenshots, on the usual 1024×768 screen and at 1920×1080 (rewritten with COMPTOIR_UPDATE_SCREENS=1). */
export async function readmeShot(page: Page, name: string): Promise<void> {
  try {
    for (const [width, height] of [[1024, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await readmeScreenshot(page, `backoffice-${name}-${width}x${height}`, ARTIFACTS);
    }
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
}

/** Fails unless the box lies inside the 1024×768 viewport, right of the sidebar. */
export function assertOnScreen(box: { x: number; y: number; width: number; height: number } | null, sideRight: number, what: string): void {
  assert.ok(box, `${what}: not rendered`);
  const inside = box.x >= sideRight - 0.5 && box.x + box.width <= 1024 + 0.5 && box.y >= -0.5 && box.y + box.height <= 768 + 0.5;
  assert.ok(inside, `${what} is on screen at 1024×768, right of the sidebar (${sideRight}px): ${JSON.stringify(box)}`);
}

/**
 * The table (by its data-testid) fits its card: it does not scroll sideways, and no cell of a row
 * with an actions column (the header included) reaches under that pinned column, by its box or by
 * content spilling out of it (issue 12 §2: the fleet's version column used to sit under it at 1024 px).
 */
export async function assertFitsItsCard(page: Page, tableTestId: string, what: string): Promise<void> {
  const m = await page.getByTestId(tableTestId).evaluate((table) => {
    const wrap = table.closest('.table-wrap')!;
    const under: string[] = [];
    for (const tr of Array.from(table.querySelectorAll('tr'))) {
      const actions = tr.querySelector(':scope > .actions');
      if (!actions) continue;
      const left = actions.getBoundingClientRect().left;
      for (const cell of Array.from(tr.children)) {
        if (cell === actions) continue;
        const r = cell.getBoundingClientRect();
        if (r.right > left + 0.5 || r.left + cell.scrollWidth > left + 0.5) under.push(`${tr.getAttribute('data-testid') ?? 'header'}: ${(cell.textContent ?? '').slice(0, 30)}`);
      }
    }
    return { scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth, under };
  });
  assert.ok(m.scrollWidth <= m.clientWidth, `${what}: the table fits its card (${m.scrollWidth} > ${m.clientWidth})`);
  assert.deepEqual(m.under, [], `${what}: no cell under the pinned actions column`);
}

/**
 * The screen as it is, at 1024×768: the page never scrolls sideways (a wide table scrolls inside its
 * card), every table sits between the sidebar and the right edge, and in every table with row actions
 * the menu button of the last row is on screen without scrolling the table sideways, is a menu button
 * (aria-haspopup, aria-expanded), opens from the keyboard inside the viewport, moves with the arrow
 * keys and closes on Escape with the focus back on it. Returns how many tables have a row menu.
 */
async function checkTablesAt1024(page: Page, screen: string): Promise<number> {
  const page_ = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  assert.equal(page_.innerWidth, 1024);
  assert.ok(page_.scrollWidth <= page_.innerWidth, `${screen}: the page scrolls sideways (${page_.scrollWidth} > ${page_.innerWidth})`);
  // Nor does the main column as a whole: only a table's own card scrolls, and every table has one.
  const main = await page.locator('main').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, loose: Array.from(el.querySelectorAll('table')).filter((t) => !t.parentElement?.closest('.table-wrap')).length }));
  assert.ok(main.scrollWidth <= main.clientWidth, `${screen}: the main column scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
  assert.equal(main.loose, 0, `${screen}: every table scrolls inside its own card`);
  const side = (await page.locator('nav.side').boundingBox())!;
  const sideRight = side.x + side.width;
  const wraps = page.locator('main .table-wrap');
  const n = await wraps.count();
  assert.ok(n >= 1, `${screen}: a table`);
  let withMenu = 0;
  for (let i = 0; i < n; i++) {
    const wrap = wraps.nth(i);
    const box = (await wrap.boundingBox())!;
    assert.ok(box.x >= sideRight - 0.5 && box.x + box.width <= 1024 + 0.5, `${screen}: table ${i} between the sidebar and the right edge: ${JSON.stringify(box)}`);
    const triggers = wrap.locator('tbody tr td:last-child [aria-haspopup="menu"]');
    if ((await triggers.count()) === 0) continue;
    withMenu++;
    const trigger = triggers.last();
    const testId = (await trigger.getAttribute('data-testid'))!;
    // Brought into view vertically only: the table is not scrolled sideways to reach the button.
    await trigger.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 2));
    assert.equal(await wrap.evaluate((el) => el.scrollLeft), 0);
    assertOnScreen(await trigger.boundingBox(), sideRight, `${screen}: ${testId}`);
    assert.equal(await trigger.getAttribute('aria-expanded'), 'false');
    // The pointer away from where the menu opens (an item under it takes the highlight): keyboard only.
    await page.mouse.move(1, 1);
    await trigger.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByTestId(`${testId}-items`);
    await menu.waitFor();
    assert.equal(await trigger.getAttribute('aria-expanded'), 'true');
    assert.equal(await menu.getAttribute('role'), 'menu');
    assertOnScreen(await menu.boundingBox(), sideRight, `${screen}: the menu of ${testId}`);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
    const items = await menu.getByRole('menuitem').count();
    assert.ok(items >= 1);
    await eventually('the first action has the focus', async () => (await focused()) === (await menu.getByRole('menuitem').first().getAttribute('data-testid')));
    if (items > 1) {
      await page.keyboard.press('ArrowDown');
      const second = await menu.getByRole('menuitem').nth(1).getAttribute('data-testid');
      await eventually('ArrowDown moves to the second action', async () => (await focused()) === second);
    }
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await trigger.getAttribute('aria-expanded'), 'false');
    await eventually('the focus is back on the menu button', async () => (await focused()) === testId);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return withMenu;
}

/** Runs `fn` at 1024×768 (whatever size a test left the page at), then back to VIEWPORT. */
export async function at1024<T>(page: Page, fn: () => Promise<T>): Promise<T> {
  await page.setViewportSize({ width: 1024, height: 768 });
  try {
    return await fn();
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
}

/** checkTablesAt1024, then axe on the same screen; the number of tables with a row menu. */
export async function checkScreen(page: Page, screen: string): Promise<number> {
  const menus = await checkTablesAt1024(page, screen);
  await assertAccessible(page, screen);
  return menus;
}

/** One screen of the sidebar, as checked at 1024×768 (issue 12 §2 and §9). */
export interface ScreenCheck {
  nav: string;
  title: RegExp;
  /** A selector present once the screen holds its data. */
  ready: string;
  /** How many of its tables have a row menu, at least. */
  menus: number;
  /** What to do on the screen before the check (open a detail, start a count...). */
  then?: (page: Page) => Promise<void>;
}

/**
 * The screen opened from the sidebar at 1024×768, in French, with its tables and row menus checked
 * (checkTablesAt1024) and no serious or critical axe violation.
 */
export async function checkSidebarScreen(page: Page, s: ScreenCheck): Promise<void> {
  await at1024(page, async () => {
    await page.getByTestId(`nav-${s.nav}`).click();
    await textMatching(page.locator('main h1').first(), s.title);
    await page.locator(s.ready).first().waitFor();
    await s.then?.(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    const menus = await checkScreen(page, s.nav);
    assert.ok(menus >= s.menus, `${s.nav}: ${menus} table(s) with a row menu, expected ${s.menus} at least`);
  });
}

/** The title of a sidebar screen's check, one test per screen. */
export const screenTitle = (s: ScreenCheck) => `${s.nav} at 1024×768 in French: no sideways page scroll, reachable row menus, no serious axe violation`;
