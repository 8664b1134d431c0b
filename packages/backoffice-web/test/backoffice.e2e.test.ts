// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertAccessible, DEMO_MANAGER_AT_TILL, eventually, http, launchChromium, readmeScreenshot, spawnComptoir, tempDir, type ChildHandle } from '@comptoir/testing';
import { PROTOCOL_VERSION } from '@comptoir/protocol';

// The back office in a real browser (@comptoir/testing's launchChromium: Debian's or npm's Chromium) against a real
// `comptoir demo` (central + 2 registers in their own process, links cuttable from the back office).

const WEB_DIR = resolve(fileURLToPath(import.meta.url), '../..');
const ARTIFACTS = resolve(WEB_DIR, '../../test-artifacts');

interface DemoInfo {
  centralUrl: string;
  admin: { username: string; password: string };
  manager: { username: string; password: string };
  cashier: { login: string; pin: string };
  storeId: string;
  registers: { id: string; name: string; url: string }[];
}

let demo: ChildHandle | undefined;
let cleanup: (() => Promise<void>) | undefined;
let browser: Browser | undefined;
let page: Page;
let info: DemoInfo;
let adminToken: string;

async function shot(name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `backoffice-${name}.png`), fullPage: true });
}

/** One of the README's screenshots, on the usual 1024×768 screen and at 1920×1080 (rewritten with COMPTOIR_UPDATE_SCREENS=1). */
async function readmeShot(name: string): Promise<void> {
  try {
    for (const [width, height] of [[1024, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await readmeScreenshot(page, `backoffice-${name}-${width}x${height}`, ARTIFACTS);
    }
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
}

const row = (id: string) => `[data-testid="fleet-row-${id}"]`;

/** The browser of a shop in France: French locale, the store's time zone (Europe/Paris in the demo). */
const SHOP_BROWSER = { locale: 'fr-FR', timezoneId: 'Europe/Paris' } as const;

/** The element's text once it matches `re` (screens render after a fetch or a state change); fails with the last text. */
async function textMatching(locator: Locator, re: RegExp, timeoutMs = 10_000): Promise<string> {
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

/** Fails unless the box lies inside the 1024×768 viewport, right of the sidebar. */
function assertOnScreen(box: { x: number; y: number; width: number; height: number } | null, sideRight: number, what: string): void {
  assert.ok(box, `${what}: not rendered`);
  const inside = box.x >= sideRight - 0.5 && box.x + box.width <= 1024 + 0.5 && box.y >= -0.5 && box.y + box.height <= 768 + 0.5;
  assert.ok(inside, `${what} is on screen at 1024×768, right of the sidebar (${sideRight}px): ${JSON.stringify(box)}`);
}

/**
 * The screen as it is, at 1024×768: the page never scrolls sideways (a wide table scrolls inside its
 * card), every table sits between the sidebar and the right edge, and in every table with row actions
 * the menu button of the last row is on screen without scrolling the table sideways, is a menu button
 * (aria-haspopup, aria-expanded), opens from the keyboard inside the viewport, moves with the arrow
 * keys and closes on Escape with the focus back on it. Returns how many tables have a row menu.
 */
async function checkTablesAt1024(screen: string): Promise<number> {
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

/** Runs `fn` on the usual till screen (1024×768), then back to the tests' 1400×900. */
async function at1024<T>(fn: () => Promise<T>): Promise<T> {
  await page.setViewportSize({ width: 1024, height: 768 });
  try {
    return await fn();
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
}

/** checkTablesAt1024, then axe on the same screen; the number of tables with a row menu. */
async function checkScreen(screen: string): Promise<number> {
  const menus = await checkTablesAt1024(screen);
  await assertAccessible(page, screen);
  return menus;
}

before(async () => {
  // The central server serves dist/: build it when missing (CI builds it first, see the report).
  if (!existsSync(join(WEB_DIR, 'dist', 'index.html'))) {
    const r = spawnSync(process.execPath, [resolve(WEB_DIR, '../../node_modules/vite/bin/vite.js'), 'build'], { cwd: WEB_DIR, stdio: 'inherit' });
    assert.equal(r.status, 0, 'vite build');
  }
  const dir = await tempDir('comptoir-backoffice-');
  cleanup = dir.cleanup;
  demo = spawnComptoir(['demo', '--data', dir.path, '--port', '0'], { name: 'demo', env: { COMPTOIR_LOG_LEVEL: 'warn' } });
  const file = join(dir.path, 'demo.json');
  info = await eventually('demo.json written', async () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoInfo) : null), 60_000);
  adminToken = (await http(info.centralUrl, 'POST', '/api/auth/login', { body: info.admin })).body.token;
  for (const r of info.registers) {
    await eventually(`${r.name} connected`, async () => (await http(r.url, 'GET', '/api/status')).body.mode === 'connected', 30_000);
  }
  browser = await launchChromium();
  // A page of its own context: axe (assertAccessible) needs one made by browser.newContext(). French
  // browser, the store's time zone: what a shop's back office runs in (and what the screenshots show).
  page = await (await browser.newContext({ ...SHOP_BROWSER, viewport: { width: 1400, height: 900 } })).newPage();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  await cleanup?.();
});

describe('back office in a browser', () => {
  it('logs in with username and password (Enter submits); a wrong password is refused', async () => {
    await page.goto(`${info.centralUrl}/`);
    await page.getByTestId('username').fill(info.admin.username);
    await page.getByTestId('password').fill('wrong-password');
    await page.getByTestId('password').press('Enter');
    // Read from its code, in French: no raw code, no English server text.
    const refused = await textMatching(page.getByTestId('error'), /Identifiant ou mot de passe incorrect/);
    assert.doesNotMatch(refused, /INVALID_CREDENTIALS|Unknown user|password/);
    await assertAccessible(page, 'login: refused');
    await page.getByTestId('password').fill(info.admin.password);
    await page.getByTestId('password').press('Enter');
    await page.getByTestId('nav-fleet').waitFor();
    await textMatching(page.getByTestId('who'), /admin/);
  });

  it('the fleet row of a register switches to autonomous when its link is cut, and back when restored', async () => {
    const reg = info.registers[0]!;
    await page.getByTestId('nav-fleet').click();
    await page.waitForSelector(`${row(reg.id)}[data-mode="connected"]`);
    // Each row shows the version its register runs; one version in the demo fleet: no mix flagged.
    await page.waitForSelector(`[data-testid="fleet-version-${reg.id}"][data-protocol="${PROTOCOL_VERSION}"]`);
    assert.match(await page.getByTestId(`fleet-version-${reg.id}`).innerText(), /\d+\.\d+\.\d+/);
    assert.equal(await page.getByTestId('fleet-mixed-versions').count(), 0);
    await shot('fleet-connected');
    await page.getByTestId(`row-menu-${reg.id}`).click();
    await page.getByTestId(`link-toggle-${reg.id}`).click();
    await page.waitForSelector(`${row(reg.id)}[data-mode="autonomous"]`, { timeout: 20_000 });
    assert.equal(await page.locator(row(reg.id)).getAttribute('data-link'), 'false');
    await shot('fleet-autonomous');
    // The other register is untouched.
    assert.equal(await page.locator(row(info.registers[1]!.id)).getAttribute('data-mode'), 'connected');
    // An honest back office (issue 12 §6): every page says the register is out of touch since when,
    // its pending count is no longer known, and the dashboard marks its store's figures.
    await textMatching(page.getByTestId(`outage-${reg.id}`), new RegExp(`^${reg.name} sans contact depuis \\d{2}:\\d{2} — chiffres incomplets$`), 15_000);
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^inconnu \(dernier connu : \d+\)$/);
    assert.equal(await page.getByTestId(`outage-${info.registers[1]!.id}`).count(), 0, 'the connected register is not in the banner');
    await readmeShot('fleet');
    await page.getByTestId('nav-dashboard').click();
    await textMatching(page.getByTestId(`dash-incomplete-${info.storeId}`), new RegExp(reg.name));
    await page.getByTestId(`outage-${reg.id}`).waitFor();
    await shot('dashboard-outage');
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId(`row-menu-${reg.id}`).click();
    await page.getByTestId(`link-toggle-${reg.id}`).click();
    await page.waitForSelector(`${row(reg.id)}[data-mode="connected"]`, { timeout: 30_000 });
    assert.equal(await page.locator(row(reg.id)).getAttribute('data-online'), 'true');
    await page.getByTestId('outage-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^\d+$/);
  });

  it('an offline customer ticket appears in Documents with its integration time', async () => {
    const reg = info.registers[1]!;
    const customers = (await http(info.centralUrl, 'GET', '/api/customers?limit=5', { token: adminToken })).body.items;
    const customer = customers[0];
    const product = (await http(info.centralUrl, 'GET', '/api/products?limit=1', { token: adminToken })).body.items[0];
    const cashier = (await http(reg.url, 'POST', '/api/auth/login', { body: info.cashier })).body.token;

    assert.equal((await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: adminToken, body: { up: false } })).status, 200);
    await eventually('register autonomous', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'autonomous', 20_000);
    // Central's price moves while the till is cut off: the till sells at the price it knows, and
    // central flags the difference (a ticket to review, whose row has its menu: see the screens below).
    const repriced = await http(info.centralUrl, 'PUT', `/api/products/${encodeURIComponent(product.sku)}`, {
      token: adminToken,
      body: { label: product.label, priceCents: product.priceCents + 10, vatRate: product.vatRate, category: product.category, barcodes: product.barcodes },
    });
    assert.equal(repriced.status, 200, JSON.stringify(repriced.body));
    const sale = await http(reg.url, 'POST', '/api/sales', {
      token: cashier,
      body: { lines: [{ sku: product.sku, quantity: 1 }], payments: [{ method: 'card', amountCents: product.priceCents }], customerId: customer.id },
    });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    assert.equal(sale.body.soldOffline, true);
    assert.equal((await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: adminToken, body: { up: true } })).status, 200);

    await page.goto(`${info.centralUrl}/documents?soldOffline=true&customerId=${encodeURIComponent(customer.id)}`);
    const docRow = page.getByTestId(`doc-${reg.id}-${sale.body.number}`);
    await docRow.waitFor({ timeout: 30_000 }); // the list refreshes every 5 s until the ticket is integrated
    assert.equal(await docRow.getAttribute('data-offline'), 'true');
    await textMatching(docRow, /Prix différent du prix central/);
    await textMatching(page.getByTestId(`doc-integrated-${reg.id}-${sale.body.number}`), /\d{2}\/\d{2}\/\d{4}/);
    await shot('documents-offline');
    await page.getByTestId(`doc-link-${reg.id}-${sale.body.number}`).click();
    await page.getByTestId('document-detail').waitFor();
    await textMatching(page.getByTestId('detail-offline'), /^Oui$/);
    await textMatching(page.getByTestId('detail-chain'), new RegExp(`ticket n° ${sale.body.number} /`));
    await shot('document-detail');
  });

  it('imports a 10,000-row CSV with one bad row: progress, report of the bad row, good rows stored', async () => {
    const lines = ['sku;label;priceCents;vatRate;category;barcodes'];
    for (let i = 1; i <= 10_000; i++) lines.push(`IMP${String(i).padStart(5, '0')};Article importé ${i};${100 + i};2000;Import;`);
    lines[5001] = 'IMP05001;Article sans prix;douze;2000;Import;'; // line 5002 of the file
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('import-report').getAttribute('data-rejected'), '1');
    // The bad field by its French label, without the validator's English.
    const rejected = await textMatching(page.getByTestId('import-rejected-5002'), /IMP05001.*« Prix » : valeur refusée/);
    assert.doesNotMatch(rejected, /priceCents|Invalid|expected/);
    assert.equal(await page.getByTestId('import-progress').getAttribute('value'), '10000');
    await shot('catalog-import');
    const good = await http(info.centralUrl, 'GET', '/api/products/IMP09999', { token: adminToken });
    assert.equal(good.status, 200);
    assert.equal(good.body.priceCents, 100 + 9999);
    assert.equal((await http(info.centralUrl, 'GET', '/api/products/IMP05001', { token: adminToken })).status, 404, 'the bad row is not stored');
  });

  it('imports a CSV in owner words (euros with a comma, VAT 5,5 and 20 %), the bad price reported in French', async () => {
    const csv = ['sku;label;price;vat;category', 'OWNB1;Pain aux céréales;1,50;5,5;Boulangerie', 'OWNB2;Vin;12.90;20 %;Cave', 'OWNB3;Erreur;abc;20;'].join('\n');
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'proprietaire.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('[data-testid="import-report"][data-rejected="1"]');
    const reason = await textMatching(page.getByTestId('import-rejected-4'), /OWNB3.*« Prix \(€\) » : en euros, par exemple 1,50 ou 1\.50/);
    assert.doesNotMatch(reason, /price:|euros, e\.g\./);
    const p1 = (await http(info.centralUrl, 'GET', '/api/products/OWNB1', { token: adminToken })).body;
    const p2 = (await http(info.centralUrl, 'GET', '/api/products/OWNB2', { token: adminToken })).body;
    assert.deepEqual([p1.priceCents, p1.vatRate, p2.priceCents, p2.vatRate], [150, 550, 1290, 2000]);
  });

  it('an admin flags a product open price with its cap in the catalog editor; a bad cap is refused and stores nothing', async () => {
    const created = await http(info.centralUrl, 'POST', '/api/products', { token: adminToken, body: { sku: 'OPENB1', label: 'Retouche', priceCents: 200, vatRate: 2000, category: 'Atelier' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('catalog-search').fill('OPENB1');
    await page.getByTestId('row-menu-product-OPENB1').click();
    await page.getByTestId('edit-OPENB1').click();
    await page.getByTestId('open-price-OPENB1').check();
    await page.getByTestId('open-price-max-OPENB1').fill('0');
    await page.getByTestId('save-OPENB1').click();
    await textMatching(page.getByTestId('product-editor-OPENB1'), /Plafond invalide/);
    assert.equal((await http(info.centralUrl, 'GET', '/api/products/OPENB1', { token: adminToken })).body.openPrice, false, 'nothing stored');
    await page.getByTestId('open-price-max-OPENB1').fill('25,50');
    await page.getByTestId('save-OPENB1').click();
    await textMatching(page.getByTestId('price-OPENB1'), /Prix libre \(≤ 25,50\s€\)/);
    const p = (await http(info.centralUrl, 'GET', '/api/products/OPENB1', { token: adminToken })).body;
    assert.deepEqual([p.openPrice, p.openPriceMaxCents, p.priceCents], [true, 2550, 200]);
  });

  it('a schedule change made in the fleet view reaches the register', async () => {
    const reg = info.registers[0]!;
    await page.getByTestId('nav-fleet').click();
    // The owner's editor: times of day and days of the week (the demo's 06:00 and 13:00 every day).
    await page.getByTestId(`schedule-edit-${reg.id}`).click();
    assert.equal(await page.getByTestId(`schedule-time-${reg.id}-0`).inputValue(), '06:00');
    await page.getByTestId(`schedule-time-${reg.id}-0`).fill('05:30');
    await page.getByTestId(`schedule-time-${reg.id}-1`).fill('14:00');
    await page.getByTestId(`schedule-day-${reg.id}-6`).uncheck();
    await page.getByTestId(`schedule-day-${reg.id}-0`).uncheck();
    const preview = await textMatching(page.getByTestId(`schedule-preview-${reg.id}`), /05:30.*lundi à vendredi/);
    assert.match(preview, /14:00/);
    await shot('fleet-schedule');
    await page.getByTestId(`schedule-save-${reg.id}`).click();
    const weekdays = ['0 30 5 * * 1-5', '0 0 14 * * 1-5'];
    const status = await eventually(
      'register status shows the new schedule',
      async () => {
        const s = (await http(reg.url, 'GET', '/api/status')).body;
        return JSON.stringify(s.sosSchedule) === JSON.stringify(weekdays) ? s : null;
      },
      20_000,
    );
    assert.deepEqual(status.sosSchedule, weekdays);
    // Cron stays available ("advanced"), with its plain-language reading.
    await page.getByTestId(`schedule-edit-${reg.id}`).click();
    await page.getByTestId(`schedule-advanced-${reg.id}`).click();
    assert.equal(await page.getByTestId(`schedule-input-${reg.id}`).inputValue(), weekdays.join('\n'));
    await page.getByTestId(`schedule-input-${reg.id}`).fill('0 30 5 * * *\n0 0 14 * * 1-5');
    await textMatching(page.getByTestId(`schedule-preview-${reg.id}`), /Tous les jours à 05:30/);
    await page.getByTestId(`schedule-save-${reg.id}`).click();
    await eventually('the cron schedule reaches the register', async () =>
      JSON.stringify((await http(reg.url, 'GET', '/api/status')).body.sosSchedule) === JSON.stringify(['0 30 5 * * *', '0 0 14 * * 1-5']), 20_000);
    // A bad expression is refused with a clear message and nothing changes.
    await page.getByTestId(`schedule-edit-${reg.id}`).click();
    await page.getByTestId(`schedule-advanced-${reg.id}`).waitFor();
    if ((await page.getByTestId(`schedule-input-${reg.id}`).count()) === 0) await page.getByTestId(`schedule-advanced-${reg.id}`).click();
    await page.getByTestId(`schedule-input-${reg.id}`).fill('every morning');
    await page.getByTestId(`schedule-save-${reg.id}`).click();
    const refused = await textMatching(page.getByTestId('error').first(), /Planification illisible : « every morning »/);
    assert.doesNotMatch(refused, /VALIDATION|Invalid|expected/);
    const fleet = (await http(info.centralUrl, 'GET', '/api/fleet', { token: adminToken })).body;
    assert.deepEqual(fleet.items.find((r: { id: string }) => r.id === reg.id).sosSchedule, ['0 30 5 * * *', '0 0 14 * * 1-5']);
  });

  it('a daily closure (Z) made at a register appears under Closures with its totals', async () => {
    const reg = info.registers[1]!;
    const cashier = (await http(reg.url, 'POST', '/api/auth/login', { body: info.cashier })).body.token;
    const z = await http(reg.url, 'POST', '/api/closures/day', { token: cashier, body: { approval: DEMO_MANAGER_AT_TILL } });
    assert.equal(z.status, 201, JSON.stringify(z.body));
    await eventually('closure integrated at central', async () =>
      (await http(info.centralUrl, 'GET', `/api/closures?registerId=${reg.id}`, { token: adminToken })).body.items.length > 0,
    20_000);
    await page.getByTestId('nav-closures').click();
    const rowEl = page.getByTestId(`closure-${reg.id}-${z.body.number}`);
    await rowEl.waitFor();
    assert.equal(await rowEl.getAttribute('data-total'), String(z.body.payload.totalCents));
    await textMatching(rowEl, new RegExp(reg.name));
    await shot('closures');
  });

  it('dashboard shows today\'s sales with a chart, in French and in English', async () => {
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('hour-chart').first().waitFor();
    await textMatching(page.locator('h1').first(), /Ventes du jour/);
    // The day reads as in French (DD/MM/YYYY), not in the browser's own date format.
    const today = (await http(info.centralUrl, 'GET', '/api/dashboard', { token: adminToken })).body.date as string;
    await eventually('the day shown', async () => (await page.getByTestId('dash-date').inputValue()) === today.split('-').reverse().join('/'));
    // Breakdowns of the day: the card sale of Caisse 2 (earlier test) by method, register, category, product.
    const reg = info.registers[1]!;
    const byMethod = await textMatching(page.getByTestId(`dash-by-method-${info.storeId}`), /Carte/);
    assert.doesNotMatch(byMethod, /\bcard\b|\bcash\b/);
    await textMatching(page.getByTestId(`dash-by-register-${info.storeId}`), new RegExp(`${reg.name}.*\\d+ ticket`));
    await page.getByTestId(`dash-by-category-${info.storeId}`).waitFor();
    await page.locator(`[data-testid="dash-top-${info.storeId}"] tr`).first().waitFor();
    await shot('dashboard');
    await readmeShot('dashboard');
    await page.getByTestId('lang').selectOption('en');
    await textMatching(page.locator('h1').first(), /Today's sales/);
    await textMatching(page.getByTestId(`dash-by-method-${info.storeId}`), /Card/);
    await page.getByTestId('lang').selectOption('fr');
  });

  it('an admin creates a store and edits it; a bad SIRET is refused with its field, in French, and stores nothing', async () => {
    const stores = async () => (await http(info.centralUrl, 'GET', '/api/stores', { token: adminToken })).body.items as { id: string; name: string; siret: string; businessDayCutoff: string; fiscalYearStartMonth: number; mealVoucherCapCents: number }[];
    const before = await stores();
    await page.getByTestId('nav-stores').click();
    await page.getByTestId(`store-${info.storeId}`).waitFor();
    await page.getByTestId('store-new').click();
    const form = (field: string) => page.getByTestId(`store-new-form-${field}`);
    await form('name').fill('Comptoir Bastille');
    await form('address').fill('5 place de la Bastille, 75011 Paris');
    await form('siret').fill('1234');
    await form('vatNumber').fill('FR32123456789');
    assert.equal(await form('timezone').inputValue(), 'Europe/Paris');
    assert.equal(await form('mealVoucherCap').inputValue(), '25,00', 'the legal cap by default');
    await form('businessDayCutoff').fill('05:00');
    await form('save').click();
    // The refusal read from its code and field, in French: no raw code, no validator English.
    const refused = await textMatching(page.getByTestId('error'), /^Saisie invalide — à corriger : « SIRET »$/);
    assert.doesNotMatch(refused, /VALIDATION|siret|digits/);
    assert.equal(await form('siret').getAttribute('aria-invalid'), 'true');
    assert.equal(await form('name').getAttribute('aria-invalid'), null);
    assert.deepEqual(await stores(), before, 'nothing stored');
    await assertAccessible(page, 'stores: a new store refused');
    // As printed (spaces), it is 14 digits: created, listed.
    await form('siret').fill('912 345 675 00025');
    await form('save').click();
    const created = await eventually('the store is created', async () => (await stores()).find((s) => s.name === 'Comptoir Bastille') ?? null);
    assert.equal(created.siret, '91234567500025');
    assert.equal(created.businessDayCutoff, '05:00');
    assert.equal(created.mealVoucherCapCents, 2500);
    await textMatching(page.getByTestId(`store-siret-${created.id}`), /^91234567500025$/);
    await textMatching(page.getByTestId(`store-cutoff-${created.id}`), /^05:00$/);
    // Edited: the new name and fiscal year; the fields left alone are not sent, so they stay.
    await page.getByTestId(`row-menu-store-${created.id}`).click();
    await page.getByTestId(`store-edit-${created.id}`).click();
    const edit = (field: string) => page.getByTestId(`store-edit-form-${field}`);
    assert.equal(await edit('siret').inputValue(), '91234567500025');
    await edit('name').fill('Comptoir Bastille (Paris 11e)');
    await edit('fiscalYearStartMonth').selectOption('4');
    // The meal-voucher cap is typed in euros: no amount is refused on the spot, nothing sent.
    await edit('mealVoucherCap').fill('douze');
    await edit('save').click();
    await textMatching(page.getByTestId('error'), /Plafond des titres-restaurant invalide/);
    assert.equal(await edit('mealVoucherCap').getAttribute('aria-invalid'), 'true');
    assert.equal((await stores()).find((s) => s.id === created.id)!.name, 'Comptoir Bastille', 'nothing sent');
    await edit('mealVoucherCap').fill('19,5');
    await edit('save').click();
    await textMatching(page.getByTestId(`store-name-${created.id}`), /^Comptoir Bastille \(Paris 11e\)$/);
    assert.equal(await page.getByTestId('store-edit-form').count(), 0, 'the form closes once saved');
    const edited = (await stores()).find((s) => s.id === created.id)!;
    assert.deepEqual([edited.name, edited.fiscalYearStartMonth, edited.businessDayCutoff, edited.siret, edited.mealVoucherCapCents], ['Comptoir Bastille (Paris 11e)', 4, '05:00', '91234567500025', 1950]);
    await textMatching(page.getByTestId(`store-meal-voucher-cap-${created.id}`), /^19,50\s€$/);
    await textMatching(page.getByTestId(`store-${created.id}`), /avril/);
    await page.getByTestId(`row-menu-store-${created.id}`).click();
    await page.getByTestId(`store-edit-${created.id}`).click();
    await page.getByTestId('store-edit-form').waitFor();
    await readmeShot('stores');
    await page.getByTestId('store-edit-form').getByRole('button', { name: 'Annuler' }).click();
    assert.equal(await page.getByTestId('store-edit-form').count(), 0, 'cancelled: the form closes');
  });

  it('fleet row actions sit in a menu that fits at 1024 px; an admin revokes a register and issues an enrol code, after confirming', async () => {
    const created = await http(info.centralUrl, 'POST', '/api/registers', { token: adminToken, body: { name: 'Caisse de secours', storeId: info.storeId } });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    const revokedAt = async () => (await http(info.centralUrl, 'GET', '/api/registers', { token: adminToken })).body.items.find((r: { id: string }) => r.id === id).revokedAt;
    await page.setViewportSize({ width: 1024, height: 768 });
    try {
      await page.getByTestId('nav-fleet').click();
      await page.getByTestId(`row-menu-${id}`).waitFor();
      for (const r of [...info.registers.map((x) => x.id), id]) {
        const box = await page.getByTestId(`row-menu-${r}`).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 1024, `the actions of ${r} are on screen at 1024 px (${JSON.stringify(box)})`);
      }
      // Revoke: asks first; "Annuler" changes nothing.
      await page.getByTestId(`row-menu-${id}`).click();
      await page.getByTestId(`revoke-${id}`).click();
      await textMatching(page.getByTestId(`confirm-${id}`), /Révoquer Caisse de secours \?/);
      await shot('fleet-1024-confirm');
      await page.getByTestId(`confirm-no-${id}`).click();
      assert.equal(await page.getByTestId(`confirm-${id}`).count(), 0);
      assert.equal(await revokedAt(), null, 'cancelled: not revoked');
      await page.getByTestId(`row-menu-${id}`).click();
      await page.getByTestId(`revoke-${id}`).click();
      await page.getByTestId(`confirm-yes-${id}`).click();
      await page.getByTestId(`fleet-revoked-${id}`).waitFor();
      assert.ok(await revokedAt(), 'central holds the revocation');
      // A new enrolment code: shown once, and it really enrols a replacement till (new key).
      await page.getByTestId(`row-menu-${id}`).click();
      await page.getByTestId(`enrol-code-${id}`).click();
      await page.getByTestId(`confirm-yes-${id}`).click();
      const code = (await page.getByTestId(`enrol-value-${id}`).textContent())?.trim() ?? '';
      assert.match(code, /^[A-Z0-9]{6,}$/);
      await shot('fleet-1024-enrol-code');
      const publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const enrolled = await http(info.centralUrl, 'POST', '/api/registers/enrol', { body: { enrolCode: code, publicKeyPem } });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
      assert.equal(enrolled.body.registerId, id);
      assert.equal(await revokedAt(), null, 're-enrolled: trusted again');
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('a manager sees the row menu without the admin actions (revoke, enrol code), and no stores screen', async () => {
    const context = await browser!.newContext({ ...SHOP_BROWSER, viewport: { width: 1024, height: 768 } });
    try {
      const other = await context.newPage();
      await other.goto(`${info.centralUrl}/`);
      await other.getByTestId('username').fill(info.manager.username);
      await other.getByTestId('password').fill(info.manager.password);
      await other.getByTestId('password').press('Enter');
      await other.getByTestId('nav-fleet').click();
      const reg = info.registers[0]!;
      await other.getByTestId(`row-menu-${reg.id}`).click();
      await other.getByTestId(`copy-now-${reg.id}`).waitFor();
      assert.equal(await other.getByTestId(`revoke-${reg.id}`).count(), 0);
      assert.equal(await other.getByTestId(`enrol-code-${reg.id}`).count(), 0);
      // Stores are the admin's: no such screen for a manager, and central refuses a manager's writes.
      assert.equal(await other.getByTestId('nav-stores').count(), 0);
      const managerToken = (await http(info.centralUrl, 'POST', '/api/auth/login', { body: info.manager })).body.token;
      assert.equal((await http(info.centralUrl, 'PATCH', `/api/stores/${info.storeId}`, { token: managerToken, body: { name: 'X' } })).status, 403);
      assert.equal((await http(info.centralUrl, 'POST', '/api/stores', { token: managerToken, body: { name: 'X', address: 'Y', siret: '91234567500033', vatNumber: 'FR65912345675', timezone: 'Europe/Paris' } })).status, 403);
    } finally {
      await context.close();
    }
  });

  it('the event journal (JET) lists the registers\' coded events, filters by register, code and day, and shows the key ids', async () => {
    const reg = info.registers[0]!;
    await page.getByTestId('nav-journal').click();
    await textMatching(page.locator('h1').first(), /Journal des événements techniques/);
    await page.locator('[data-testid="events"] tbody tr').first().waitFor();
    // Code 260 (enrolment, data initialisation): one per register, from every register.
    await page.getByTestId('events-code').selectOption('260');
    await eventually('only enrolments listed', async () => {
      const codes = await page.locator('[data-testid="events"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
      return codes.length >= info.registers.length && codes.every((c) => c === '260') ? codes : null;
    });
    await textMatching(page.getByTestId('events'), /Enrôlement \(initialisation des données\)/);
    // One register: its events only, and its signing key, as central's key list gives it.
    await page.getByTestId('events-code').selectOption('');
    await page.getByTestId('events-register').selectOption(reg.id);
    const keys = (await http(info.centralUrl, 'GET', `/api/registers/${reg.id}/keys`, { token: adminToken })).body.items as { keyId: string }[];
    assert.ok(keys.length >= 1);
    await textMatching(page.getByTestId('register-keys'), new RegExp(keys[0]!.keyId));
    await textMatching(page.getByTestId('register-keys'), new RegExp(`--key-id ${keys[0]!.keyId}`));
    const rows = await eventually('the register\'s events', async () => {
      const ids = await page.locator('[data-testid="events"] tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-testid')));
      return ids.length > 0 && ids.every((id) => id?.startsWith(`event-${reg.id}-`)) ? ids : null;
    });
    assert.ok(rows.length >= 3, 'enrolment, key start, software start at least');
    await shot('journal');
    // A day after today: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000);
    // Typed as a French reader writes it (DD/MM/YYYY), whatever the browser's own date format.
    const day = `${String(tomorrow.getDate()).padStart(2, '0')}/${String(tomorrow.getMonth() + 1).padStart(2, '0')}/${tomorrow.getFullYear()}`;
    await page.getByTestId('events-from').fill(day);
    await textMatching(page.locator('main'), /Aucun événement/);
    await page.getByTestId('events-from').fill('');
  });

  // Issue 12 §2 and §9: every screen of the back office at 1024×768, in French, with its tables and
  // row menus checked (checkTablesAt1024) and no serious or critical axe violation.
  const SCREENS: { nav: string; title: RegExp; ready: string; menus: number; then?: () => Promise<void> }[] = [
    { nav: 'dashboard', title: /Ventes du jour/, ready: '[data-testid^="dash-by-method-"] tr', menus: 0 },
    { nav: 'fleet', title: /Parc de caisses/, ready: '[data-testid^="fleet-row-"]', menus: 1 },
    { nav: 'documents', title: /Documents/, ready: '[data-testid="documents"] tbody tr', menus: 0 },
    { nav: 'review', title: /Tickets à vérifier/, ready: '[data-testid^="review-"]', menus: 1 },
    { nav: 'closures', title: /Clôtures/, ready: '[data-testid="closures"] tbody tr', menus: 0 },
    { nav: 'journal', title: /Journal des événements techniques/, ready: '[data-testid="events"] tbody tr', menus: 0 },
    { nav: 'accounting', title: /Comptabilité/, ready: '[data-testid="chart"] tbody tr', menus: 0 },
    { nav: 'catalog', title: /Catalogue/, ready: '[data-testid="catalog"] tbody tr', menus: 1 },
    {
      nav: 'stock',
      title: /Stock/,
      ready: '[data-testid="stock"] tbody tr',
      menus: 0,
      then: async () => {
        await page.locator('[data-testid="stock"] tbody tr button').first().click();
        await page.locator('[data-testid="ledger"]').waitFor();
      },
    },
    {
      nav: 'inventory',
      title: /Inventaire/,
      ready: '[data-testid="inventory-category"]',
      menus: 1,
      then: async () => {
        // A count started (its sheet and the store's list of counts, whose rows have a menu).
        await page.locator('[data-testid="inventory-category"] option[value="Boissons"]').waitFor({ state: 'attached' });
        await page.getByTestId('inventory-category').selectOption('Boissons');
        await page.getByTestId('inventory-start').click();
        await page.locator('[data-testid="count-sheet"] tbody tr').first().waitFor();
        await page.locator('[data-testid="counts"] tbody tr').first().waitFor();
      },
    },
    { nav: 'customers', title: /Clients/, ready: '[data-testid="customers"] tbody tr', menus: 0 },
    { nav: 'stores', title: /Magasins/, ready: '[data-testid="stores"] tbody tr', menus: 1 },
    { nav: 'users', title: /Utilisateurs/, ready: '[data-testid="users"] tbody tr', menus: 1 },
  ];
  for (const s of SCREENS) {
    it(`${s.nav} at 1024×768 in French: no sideways page scroll, reachable row menus, no serious axe violation`, () =>
      at1024(async () => {
        await page.getByTestId(`nav-${s.nav}`).click();
        await textMatching(page.locator('main h1').first(), s.title);
        await page.locator(s.ready).first().waitFor();
        await s.then?.();
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
        const menus = await checkScreen(s.nav);
        assert.ok(menus >= s.menus, `${s.nav}: ${menus} table(s) with a row menu, expected ${s.menus} at least`);
      }));
  }

  it('a document and a customer, at 1024×768 in French: tables in their card, no serious axe violation', () =>
    at1024(async () => {
      await page.getByTestId('nav-documents').click();
      await page.locator('[data-testid^="doc-link-"]').first().click();
      await page.getByTestId('detail-lines').waitFor();
      await checkScreen('document');
      await page.getByTestId('nav-customers').click();
      await page.locator('[data-testid="customers"] tbody tr a').first().click();
      await page.getByTestId('customer-page').waitFor();
      await page.getByTestId('documents').waitFor();
      await checkScreen('customer');
    }));

  it('editing a catalog row at 1024×768 keeps the table in its card, right of the sidebar, with its save button on screen', () =>
    at1024(async () => {
      await page.getByTestId('nav-catalog').click();
      const rows = page.locator('[data-testid="catalog"] tbody tr');
      await rows.first().waitFor();
      const sku = ((await rows.first().getAttribute('data-testid')) ?? '').replace(/^product-/, '');
      await page.getByTestId(`row-menu-product-${sku}`).click();
      await page.getByTestId(`edit-${sku}`).click();
      await page.getByTestId(`product-editor-${sku}`).waitFor();
      const side = (await page.locator('nav.side').boundingBox())!;
      assertOnScreen(await page.getByTestId(`save-${sku}`).boundingBox(), side.x + side.width, 'the save button');
      const label = page.getByTestId(`product-editor-${sku}`).getByRole('textbox', { name: 'Libellé' });
      assertOnScreen(await label.boundingBox(), side.x + side.width, 'the label field');
      await checkScreen('catalog, one row edited');
      await readmeShot('catalog');
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.getByTestId(`product-editor-${sku}`).getByRole('button', { name: 'Annuler' }).click();
      await page.getByTestId(`product-${sku}`).waitFor();
    }));

  it('an open row menu passes the axe check too; a time of day reads 24-hour in French (never "AM")', async () => {
    await page.getByTestId('nav-stores').click();
    await page.locator('[data-testid="stores"] tbody tr').first().waitFor();
    const id = info.storeId;
    await page.getByTestId(`row-menu-store-${id}`).click();
    await page.getByTestId(`row-menu-store-${id}-items`).waitFor();
    await assertAccessible(page, 'stores, a row menu open');
    await page.getByTestId(`store-edit-${id}`).click();
    const cutoff = page.getByTestId('store-edit-form-businessDayCutoff');
    assert.match(await cutoff.inputValue(), /^\d{2}:\d{2}$/);
    const shown = await cutoff.evaluate((el) => (el as HTMLInputElement).type);
    assert.equal(shown, 'text', 'typed as HH:MM, not a browser time picker that follows the browser locale');
    await page.getByTestId('store-edit-form').getByRole('button', { name: 'Annuler' }).click();
  });

  it('logging out ends the session on central: its token answers 401 afterwards', async () => {
    const session = await page.evaluate(() => sessionStorage.getItem('comptoir.backoffice.session'));
    const token = (JSON.parse(session ?? '{}') as { token?: string }).token;
    assert.ok(token, 'the page holds a session');
    assert.equal((await http(info.centralUrl, 'GET', '/api/registers', { token })).status, 200);
    await page.getByTestId('logout').click();
    await page.getByTestId('username').waitFor();
    assert.equal((await http(info.centralUrl, 'GET', '/api/registers', { token })).status, 401);
  });
});
