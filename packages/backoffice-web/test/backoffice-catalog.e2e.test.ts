// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, eventually, http } from '@comptoir/testing';
import { assertFitsItsCard, assertOnScreen, at1024, checkScreen, checkSidebarScreen, closeAll, login, openBrowser, readmeShot, screenTitle, shot, startShop, textMatching, type ScreenCheck, type Shop, type ShopBrowser } from './support/backoffice-browser';

// The back office's catalog and shop screens in a real browser against a real seeded central process
// (no register needed): CSV imports (10,000 rows; owner words), open-price items, stock, the count
// screen, customers, stores created and edited, users.

let info: Shop;
let ui: ShopBrowser | undefined;
let page: Page;
let adminToken: string;

before(async () => {
  info = await startShop('central');
  adminToken = info.adminToken;
  ui = await openBrowser();
  page = ui.page;
  await login(page, info.centralUrl, info.admin);
});

after(() => closeAll(ui, info));

describe('back office in a browser: catalog, stock, customers, stores, users', () => {
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
    await shot(page, 'catalog-import');
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

  it('meal vouchers: an admin unticks "Titre-restaurant" on a non-food item in the catalog editor; the row says so; the CSV column sets it too', async () => {
    const created = await http(info.centralUrl, 'POST', '/api/products', { token: adminToken, body: { sku: 'MVB1', label: 'Bougie', priceCents: 900, vatRate: 2000, category: 'Maison' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.mealVoucherEligible, true, 'eligible by default');
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('catalog-search').fill('MVB1');
    assert.equal(await page.getByTestId('no-meal-voucher-MVB1').count(), 0);
    await page.getByTestId('row-menu-product-MVB1').click();
    await page.getByTestId('edit-MVB1').click();
    assert.equal(await page.getByTestId('meal-voucher-eligible-MVB1').isChecked(), true);
    await page.getByTestId('meal-voucher-eligible-MVB1').uncheck();
    await page.getByTestId('save-MVB1').click();
    await textMatching(page.getByTestId('no-meal-voucher-MVB1'), /hors titre-restaurant/);
    const p = (await http(info.centralUrl, 'GET', '/api/products/MVB1', { token: adminToken })).body;
    assert.deepEqual([p.mealVoucherEligible, p.priceCents, p.label], [false, 900, 'Bougie'], 'only the flag changed');

    const csv = ['sku;label;price;vat;titre_restaurant', 'MVB1;Bougie;9;20;oui', 'MVB2;Briquet;2;20;non', 'MVB3;Vase;5;20;bof'].join('\n');
    await page.getByTestId('catalog-search').fill('');
    await page.getByTestId('import-file').setInputFiles({ name: 'titres.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('[data-testid="import-report"][data-rejected="1"]');
    await textMatching(page.getByTestId('import-rejected-4'), /MVB3.*oui ou non/);
    const flags = await Promise.all(['MVB1', 'MVB2'].map(async (sku) => (await http(info.centralUrl, 'GET', `/api/products/${sku}`, { token: adminToken })).body.mealVoucherEligible));
    assert.deepEqual(flags, [true, false]);
  });

  it('an admin creates a store and edits it; a bad SIRET is refused with its field, in French, and stores nothing', async () => {
    const stores = async () => (await http(info.centralUrl, 'GET', '/api/stores', { token: adminToken })).body.items as { id: string; name: string; siret: string; businessDayCutoff: string; fiscalYearStartMonth: number; mealVoucherCapCents: number; giftCardMaxCents: number }[];
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
    assert.equal(await form('giftCardMax').inputValue(), '500,00', "central's default most a card is sold for");
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
    assert.equal(created.giftCardMaxCents, 50_000);
    await textMatching(page.getByTestId(`store-gift-card-max-${created.id}`), /^500,00\s€$/);
    await textMatching(page.getByTestId(`store-siret-${created.id}`), /^91234567500025$/);
    await textMatching(page.getByTestId(`store-cutoff-${created.id}`), /^05:00$/);
    // Two stores, every column: the table fits its card at 1024 px, nothing under the actions column.
    await at1024(page, () => assertFitsItsCard(page, 'stores', 'the stores'));
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
    // So is the most a gift card is sold for: no amount refused on the spot, 0 refused by central
    // with its field named; nothing stored either time.
    await edit('giftCardMax').fill('beaucoup');
    await edit('save').click();
    await textMatching(page.getByTestId('error'), /Montant maximal d’une carte cadeau invalide/);
    assert.equal(await edit('giftCardMax').getAttribute('aria-invalid'), 'true');
    assert.equal(await edit('mealVoucherCap').getAttribute('aria-invalid'), null);
    await edit('giftCardMax').fill('0');
    await edit('save').click();
    await textMatching(page.getByTestId('error'), /^Saisie invalide — à corriger : « Montant maximal d’une carte cadeau »$/);
    assert.equal(await edit('giftCardMax').getAttribute('aria-invalid'), 'true');
    assert.equal((await stores()).find((s) => s.id === created.id)!.name, 'Comptoir Bastille', 'nothing stored');
    await edit('giftCardMax').fill('150');
    await edit('save').click();
    await textMatching(page.getByTestId(`store-name-${created.id}`), /^Comptoir Bastille \(Paris 11e\)$/);
    assert.equal(await page.getByTestId('store-edit-form').count(), 0, 'the form closes once saved');
    const edited = (await stores()).find((s) => s.id === created.id)!;
    assert.deepEqual([edited.name, edited.fiscalYearStartMonth, edited.businessDayCutoff, edited.siret, edited.mealVoucherCapCents, edited.giftCardMaxCents], ['Comptoir Bastille (Paris 11e)', 4, '05:00', '91234567500025', 1950, 15_000]);
    await textMatching(page.getByTestId(`store-meal-voucher-cap-${created.id}`), /^19,50\s€$/);
    await textMatching(page.getByTestId(`store-gift-card-max-${created.id}`), /^150,00\s€$/);
    await textMatching(page.getByTestId(`store-${created.id}`), /avril/);
    await page.getByTestId(`row-menu-store-${created.id}`).click();
    await page.getByTestId(`store-edit-${created.id}`).click();
    await page.getByTestId('store-edit-form').waitFor();
    await readmeShot(page, 'stores');
    await page.getByTestId('store-edit-form').getByRole('button', { name: 'Annuler' }).click();
    assert.equal(await page.getByTestId('store-edit-form').count(), 0, 'cancelled: the form closes');
  });

  // Issue 12 §2 and §9: every screen of the back office at 1024×768, in French, with its tables and
  // row menus checked and no serious or critical axe violation; here the catalog and shop screens.
  const SCREENS: ScreenCheck[] = [
    { nav: 'catalog', title: /Catalogue/, ready: '[data-testid="catalog"] tbody tr', menus: 1 },
    {
      nav: 'stock',
      title: /Stock/,
      ready: '[data-testid="stock"] tbody tr',
      menus: 0,
      then: async (page) => {
        await page.locator('[data-testid="stock"] tbody tr button').first().click();
        await page.locator('[data-testid="ledger"]').waitFor();
      },
    },
    {
      nav: 'inventory',
      title: /Inventaire/,
      ready: '[data-testid="inventory-category"]',
      menus: 1,
      then: async (page) => {
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
  for (const s of SCREENS) it(screenTitle(s), () => checkSidebarScreen(page, s));

  it('editing a catalog row at 1024×768 keeps the table in its card, right of the sidebar, with its save button on screen and nothing under it', () =>
    at1024(page, async () => {
      await page.getByTestId('nav-catalog').click();
      const rows = page.locator('[data-testid="catalog"] tbody tr');
      await rows.first().waitFor();
      await assertFitsItsCard(page, 'catalog', 'the catalog');
      const sku = ((await rows.first().getAttribute('data-testid')) ?? '').replace(/^product-/, '');
      await page.getByTestId(`row-menu-product-${sku}`).click();
      await page.getByTestId(`edit-${sku}`).click();
      await page.getByTestId(`product-editor-${sku}`).waitFor();
      const side = (await page.locator('nav.side').boundingBox())!;
      assertOnScreen(await page.getByTestId(`save-${sku}`).boundingBox(), side.x + side.width, 'the save button');
      const label = page.getByTestId(`product-editor-${sku}`).getByRole('textbox', { name: 'Libellé' });
      assertOnScreen(await label.boundingBox(), side.x + side.width, 'the label field');
      // Its save and cancel buttons one above the other: the rest of the row is not under them.
      await assertFitsItsCard(page, 'catalog', 'the catalog, one row edited');
      await checkScreen(page, 'catalog, one row edited');
      await readmeShot(page, 'catalog');
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
});
