// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Page } from 'playwright-core';
import { assertAccessible, eventually, http } from '@comptoir/testing';
import { PROTOCOL_VERSION } from '@comptoir/protocol';
import { assertFitsItsCard, checkSidebarScreen, closeAll, openBrowser, readmeShot, screenTitle, shot, startShop, textMatching, VIEWPORT, type ScreenCheck, type Shop, type ShopBrowser } from './support/backoffice-browser';

// The back office's fleet screens in a real browser against a real `comptoir demo` (central + 2
// registers in their own process, links cuttable from the back office): signing in and out, the
// fleet's link state and row actions, the copy schedule, a manager's rights, the event journal (JET),
// a store in another time zone than the browser's, the till customers still to send.

let info: Shop;
let ui: ShopBrowser | undefined;
let page: Page;
let adminToken: string;

const row = (id: string) => `[data-testid="fleet-row-${id}"]`;

const fleetRowOf = async (id: string) => (await http(info.centralUrl, 'GET', '/api/fleet', { token: adminToken })).body.items.find((r: { id: string }) => r.id === id);

before(async () => {
  info = await startShop('demo');
  adminToken = info.adminToken;
  ui = await openBrowser();
  page = ui.page;
});

after(() => closeAll(ui, info));

describe('back office in a browser: fleet, registers, journal', () => {
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
    await shot(page, 'fleet-connected');
    await page.getByTestId(`row-menu-${reg.id}`).click();
    await page.getByTestId(`link-toggle-${reg.id}`).click();
    await page.waitForSelector(`${row(reg.id)}[data-mode="autonomous"]`, { timeout: 20_000 });
    assert.equal(await page.locator(row(reg.id)).getAttribute('data-link'), 'false');
    await shot(page, 'fleet-autonomous');
    // The other register is untouched.
    assert.equal(await page.locator(row(info.registers[1]!.id)).getAttribute('data-mode'), 'connected');
    // An honest back office (issue 12 §6): every page says the register is out of touch since when,
    // its pending count is no longer known, and the dashboard marks its store's figures.
    await textMatching(page.getByTestId(`outage-${reg.id}`), new RegExp(`^${reg.name} sans contact depuis \\d{2}:\\d{2} — chiffres incomplets$`), 15_000);
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^inconnu \(dernier connu : \d+\)$/);
    assert.equal(await page.getByTestId(`outage-${info.registers[1]!.id}`).count(), 0, 'the connected register is not in the banner');
    // Its widest state (link-cut badge, unknown pending count, silent for…): still fits at 1024 px.
    await assertFitsItsCard(page, `fleet-${info.storeId}`, 'the fleet');
    await readmeShot(page, 'fleet');
    await page.getByTestId('nav-dashboard').click();
    await textMatching(page.getByTestId(`dash-incomplete-${info.storeId}`), new RegExp(reg.name));
    await page.getByTestId(`outage-${reg.id}`).waitFor();
    await shot(page, 'dashboard-outage');
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId(`row-menu-${reg.id}`).click();
    await page.getByTestId(`link-toggle-${reg.id}`).click();
    await page.waitForSelector(`${row(reg.id)}[data-mode="connected"]`, { timeout: 30_000 });
    assert.equal(await page.locator(row(reg.id)).getAttribute('data-online'), 'true');
    await page.getByTestId('outage-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^\d+$/);
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
    await shot(page, 'fleet-schedule');
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
      await assertFitsItsCard(page, `fleet-${info.storeId}`, 'the fleet');
      // Revoke: asks first; "Annuler" changes nothing.
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
      const focusInConfirm = () => page.getByTestId(`confirm-${id}`).evaluate((el) => el.contains(document.activeElement));
      await page.getByTestId(`row-menu-${id}`).click();
      await page.getByTestId(`revoke-${id}`).click();
      await textMatching(page.getByTestId(`confirm-${id}`), /Révoquer Caisse de secours \?/);
      // The focus lands in the confirmation and stays there once the menu has closed (issue 12 §2).
      await eventually('the focus is in the confirmation', focusInConfirm);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await focused(), `confirm-yes-${id}`, 'still in the confirmation after the menu closed');
      await shot(page, 'fleet-1024-confirm');
      // Escape closes it, nothing done, and the focus is back on the row's menu button.
      await page.keyboard.press('Escape');
      await page.getByTestId(`confirm-${id}`).waitFor({ state: 'detached' });
      await eventually('the focus is back on the menu button', async () => (await focused()) === `row-menu-${id}`);
      assert.equal(await revokedAt(), null, 'Escape: not revoked');
      // The same from the keyboard alone: Enter on the button, the action, Enter.
      await page.keyboard.press('Enter');
      await page.getByTestId(`revoke-${id}`).waitFor();
      await page.getByTestId(`revoke-${id}`).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId(`confirm-${id}`).waitFor();
      await eventually('the focus is in the confirmation (keyboard)', focusInConfirm);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(await focusInConfirm(), 'still in the confirmation after the menu closed (keyboard)');
      await page.getByTestId(`confirm-no-${id}`).click();
      assert.equal(await page.getByTestId(`confirm-${id}`).count(), 0);
      assert.equal(await revokedAt(), null, 'cancelled: not revoked');
      await eventually('cancelled: the focus is back on the menu button', async () => (await focused()) === `row-menu-${id}`);
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
      await shot(page, 'fleet-1024-enrol-code');
      const publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const enrolled = await http(info.centralUrl, 'POST', '/api/registers/enrol', { body: { enrolCode: code, publicKeyPem } });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
      assert.equal(enrolled.body.registerId, id);
      assert.equal(await revokedAt(), null, 're-enrolled: trusted again');
    } finally {
      await page.setViewportSize(VIEWPORT);
    }
  });

  it('a manager sees the row menu without the admin actions (revoke, enrol code), and no stores screen', async () => {
    const other = await ui!.newPage();
    try {
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
      await other.context().close();
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
    await shot(page, 'journal');
    // A day after today on the store's clock (the demo store is in Europe/Paris; the journal's days are
    // the store's, §23): nothing yet. Typed as a French reader writes it (DD/MM/YYYY).
    const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(Date.now() + 86_400_000));
    await page.getByTestId('events-from').fill(day);
    await textMatching(page.locator('main'), /Aucun événement/);
    await page.getByTestId('events-from').fill('');
  });

  it("a store in another time zone: a browser in Paris reads its times on the store's clock, with its offset (issue 12 §6); the dashboard's offline tickets link lands on the store's day", async () => {
    const reg = info.registers[0]!;
    const setZone = async (timezone: string) => assert.equal((await http(info.centralUrl, 'PATCH', `/api/stores/${info.storeId}`, { token: adminToken, body: { timezone } })).status, 200);
    const onClock = (zone: string, iso: string | Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('fr-FR', { timeZone: zone, ...options }).format(new Date(iso));
    const fleetRow = async () => (await http(info.centralUrl, 'GET', '/api/fleet', { token: adminToken })).body.items.find((r: { id: string }) => r.id === reg.id);
    const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const copyCell = () => page.locator(`${row(reg.id)} td`).nth(4);
    // The last copy's time as the fleet row shows it, on `zone`'s clock (read again while the screen catches up).
    const copyShown = (zone: string, suffix: string) =>
      eventually(`the last copy's time on the ${zone} clock`, async () => {
        const at = (await fleetRow()).lastSosCopyAt as string;
        const text = (await copyCell().textContent()) ?? '';
        return text.startsWith(`${onClock(zone, at, { dateStyle: 'short', timeStyle: 'medium' })}${suffix} · `) ? text : null;
      }, 15_000);
    await setZone('America/Martinique');
    try {
      await page.reload();
      await page.getByTestId('nav-fleet').click();
      // The copy made at enrolment (a fixed instant): 4 h behind Paris in December, and said so.
      await copyShown('America/Martinique', ' (UTC\u22124)');
      // Cut off: the banner's "sans contact depuis" is the store's time of its last heartbeat.
      assert.equal((await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: adminToken, body: { up: false } })).status, 200);
      await page.getByTestId(`outage-${reg.id}`).waitFor({ timeout: 20_000 });
      const lastSeenAt = (await fleetRow()).lastSeenAt as string;
      const since = onClock('America/Martinique', lastSeenAt, { timeStyle: 'short' });
      await textMatching(page.getByTestId(`outage-${reg.id}`), new RegExp(`^${esc(reg.name)} sans contact depuis ${esc(since)} \\(UTC\u22124\\) — chiffres incomplets$`));
      assert.notEqual(since, onClock('Europe/Paris', lastSeenAt, { timeStyle: 'short' }), 'not the browser\'s clock');
      // The dashboard's day is the store's, and says whose clock it is.
      await page.getByTestId('nav-dashboard').click();
      await textMatching(page.getByTestId(`dash-day-${info.storeId}`), new RegExp(`^Journée du ${esc(onClock('America/Martinique', new Date(), { dateStyle: 'short' }))}, heure du magasin \\(America/Martinique, UTC\u22124\\)$`));
      await shot(page, 'dashboard-other-zone');
      // A ticket sold while cut off, integrated once the link is back: the dashboard's "offline
      // tickets" link lands on the documents of that store's day (its clock, not UTC's), the ones it counted.
      await eventually('register autonomous', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'autonomous', 20_000);
      const cashier = (await http(reg.url, 'POST', '/api/auth/login', { body: info.cashier })).body.token;
      const product = (await http(info.centralUrl, 'GET', '/api/products?limit=1', { token: adminToken })).body.items[0];
      const sale = await http(reg.url, 'POST', '/api/sales', { token: cashier, body: { lines: [{ sku: product.sku, quantity: 1 }], payments: [{ method: 'card', amountCents: product.priceCents }] } });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      assert.equal(sale.body.soldOffline, true);
      assert.equal((await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: adminToken, body: { up: true } })).status, 200);
      const storeDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Martinique', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(sale.body.soldAt));
      const counted = await eventually('the offline ticket counted on the dashboard', async () => {
        const dash = (await http(info.centralUrl, 'GET', `/api/dashboard?storeId=${info.storeId}`, { token: adminToken })).body.stores[0];
        const docs = (await http(info.centralUrl, 'GET', `/api/documents?soldOffline=true&storeId=${info.storeId}&from=${storeDay}&to=${storeDay}`, { token: adminToken })).body;
        return dash.date === storeDay && docs.items.some((d: { registerId: string; number: number }) => d.registerId === reg.id && d.number === sale.body.number) ? (dash.offlineTickets as number) : null;
      }, 30_000);
      const link = page.getByTestId(`dash-offline-${info.storeId}`);
      await textMatching(link, new RegExp(`^${counted}$`)); // the screen refreshes every 5 s
      await link.click();
      await page.getByTestId(`doc-${reg.id}-${sale.body.number}`).waitFor({ timeout: 20_000 });
      const url = new URL(page.url());
      assert.deepEqual(
        [url.pathname, url.searchParams.get('soldOffline'), url.searchParams.get('storeId'), url.searchParams.get('from'), url.searchParams.get('to')],
        ['/documents', 'true', info.storeId, storeDay, storeDay],
      );
      assert.equal(await page.getByTestId('filter-from').inputValue(), storeDay.split('-').reverse().join('/'));
      await textMatching(page.getByTestId('pager-range'), new RegExp(`^1–${counted} / ${counted}$`));
      assert.equal(await page.locator('[data-testid^="doc-"][data-offline="true"]').count(), counted, 'the tickets the dashboard counted, all offline');
    } finally {
      await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: adminToken, body: { up: true } });
      await setZone('Europe/Paris');
    }
    // Back on the browser's own zone: the same instants without an offset, and no day line.
    await page.reload();
    await page.getByTestId('nav-fleet').click();
    await copyShown('Europe/Paris', '');
    await page.waitForSelector(`${row(reg.id)}[data-mode="connected"]`, { timeout: 30_000 });
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId(`dash-${info.storeId}`).waitFor();
    assert.equal(await page.getByTestId(`dash-day-${info.storeId}`).count(), 0);
  });

  it('the pending column shows the till customers still to send, apart from the records', async () => {
    const reg = info.registers[1]!;
    await page.getByTestId('nav-fleet').click();
    // As central serves it: a current register reports 0, and nothing more is shown.
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^0$/);
    assert.equal((await (await fleetRowOf(reg.id)).pendingCustomers), 0);
    // The screen's rendering of a count central holds (how a till's count reaches central is
    // register/test/till-customer.test.ts): central's real answer, with 2 waiting customers.
    await page.route('**/api/fleet', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      for (const r of body.items) if (r.id === reg.id) r.pendingCustomers = 2;
      await route.fulfill({ response: res, json: body });
    });
    try {
      await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^0\+ 2 client\(s\) créé\(s\) à la caisse à envoyer$/);
      assert.match((await page.getByTestId(`fleet-pending-${reg.id}`).getAttribute('class')) ?? '', /warn-text/);
    } finally {
      await page.unroute('**/api/fleet');
    }
    await textMatching(page.getByTestId(`fleet-pending-${reg.id}`), /^0$/);
  });

  // Issue 12 §2 and §9: every screen of the back office at 1024×768, in French, with its tables and
  // row menus checked and no serious or critical axe violation; here the fleet and the journal.
  const SCREENS: ScreenCheck[] = [
    { nav: 'fleet', title: /Parc de caisses/, ready: '[data-testid^="fleet-row-"]', menus: 1 },
    { nav: 'journal', title: /Journal des événements techniques/, ready: '[data-testid="events"] tbody tr', menus: 0 },
  ];
  for (const s of SCREENS) it(screenTitle(s), () => checkSidebarScreen(page, s));

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
