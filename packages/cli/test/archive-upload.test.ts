// test-runner: heavy — drives Chromium (a CPU-heavy browser beside the servers it tests): never beside another heavy file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DEMO_MANAGER_AT_TILL, ensureWebBuilt, eventually, fakeClock, http, launchChromium, onFaketime, tempDir, type FakeClock, type TempDir } from '@comptoir/testing';
import { moveRegisterClock } from './support/faketime-shop';
import { cashierLogin, openShop, sell, someProducts, waitForDrained, waitForMode, type CatalogItem, type Shop } from './support/shop';
import { runComptoir } from './support/verify';

/**
 * The archive files a register writes reach central (issue 10 item 6), with real processes: a real
 * `comptoir register` under libfaketime beside a real central, through a TCP fault proxy. The link
 * is cut on 31 December; on 2 January the first sale, offline, closes December and the fiscal year
 * and signs both archives (their files written on the register). Central knows nothing of them
 * until the link is back; then the records are pushed and the register sends both files, which
 * central keeps and hands out byte for byte as the register wrote them, and `comptoir verify`
 * accepts them under the key id central registered; the store's manager downloads the register's
 * file from the back office in a real Chromium, the same bytes again. Then, connected and after a
 * key rotation, January's archive signed on 2 February reaches central at once. The year is the next one (the faked clock
 * always ahead of central's).
 */
const Y = new Date().getUTCFullYear() + 1;

let dir: TempDir;
let clock: FakeClock;
let shop: Shop;
let products: CatalogItem[];

before(async () => {
  dir = await tempDir('comptoir-archive-upload-');
  if (onFaketime().skip) return;
  clock = fakeClock(join(dir.path, 'register.faketime'));
  clock.set(new Date(`${Y}-12-31T09:00:00Z`)); // 10:00 in Paris on 31 December
  shop = await openShop({ registers: 1, heartbeatMs: 250, registerEnv: clock.env });
  products = await someProducts(shop, 1);
});
after(async () => {
  await shop?.cleanup();
  await dir?.cleanup();
});

const reg = () => shop.registers[0]!;
type FileRow = { number: number; file: string; sha256: string; sent_at: string | null; refused: string | null };
/** The register's archive_files rows, read from its database file (read-only). */
function registerFiles(): FileRow[] {
  const db = new Database(join(reg().process.dataDir, 'register.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT number, file, sha256, sent_at, refused FROM archive_files ORDER BY number').all() as FileRow[];
  } finally {
    db.close();
  }
}
const keptFile = (number: number) =>
  fetch(`${shop.central.url}/api/archives/${reg().id}/${number}/register-file`, { headers: { authorization: `Bearer ${shop.adminToken}` } });

test('month and year archives signed offline reach central once the link is back, byte for byte, verify, and download from the back office; online, at once', onFaketime(), async () => {
  const sold = await sell(reg(), [{ ...products[0]!, quantity: 2 }]);
  assert.equal(sold.status, 201, JSON.stringify(sold.body));
  await waitForDrained(reg());

  // The link goes down; on 2 January the first sale signs December's and the year's closures and archives, offline.
  await reg().link.setMode({ kind: 'refuse' });
  await waitForMode(reg(), 'autonomous');
  await moveRegisterClock(shop, reg(), clock, `${Y + 1}-01-02T09:00:00Z`);
  const jan = await sell(reg(), [{ ...products[0]!, quantity: 1 }]);
  assert.equal(jan.status, 201, `the sale goes through offline: ${JSON.stringify(jan.body)}`);
  const archives = (await http(reg().process.url, 'GET', '/api/archives', { token: reg().cashierToken })).body.items as { number: number; payload: { periodKey: string } }[];
  assert.deepEqual(archives.map((a) => [a.number, a.payload.periodKey]), [[2, String(Y)], [1, `${Y}-12`]]);
  const written = registerFiles();
  assert.deepEqual(written.map((f) => [f.number, f.sent_at, f.refused]), [[1, null, null], [2, null, null]], 'both files written, none sent yet');
  // Central has neither archive record yet.
  for (const n of [1, 2]) assert.equal((await keptFile(n)).status, 404);

  // The link returns: the records are pushed, then both files sent and kept.
  await reg().link.setMode({ kind: 'up' });
  await waitForDrained(reg());
  const sent = await eventually('both archive files sent to central', async () => {
    const rows = registerFiles();
    return rows.every((f) => f.sent_at !== null) ? rows : null;
  }, 30_000, 250);
  assert.deepEqual(sent.map((f) => f.refused), [null, null]);

  const keyId = ((await http(shop.central.url, 'GET', `/api/registers/${reg().id}/keys`, { token: shop.adminToken })).body.items as { keyId: string }[])[0]!.keyId;
  const downloaded: string[] = [];
  for (const f of sent) {
    const res = await keptFile(f.number);
    assert.equal(res.status, 200, await res.clone().text());
    const bytes = Buffer.from(await res.arrayBuffer());
    const onRegister = await readFile(f.file);
    assert.ok(bytes.equals(onRegister), `central hands out archive ${f.number} exactly as the register wrote it (${bytes.length} and ${onRegister.length} bytes)`);
    const path = join(dir.path, `downloaded-${f.number}.ndjson`);
    await writeFile(path, bytes);
    downloaded.push(path);
  }
  // The month, then the fiscal year that follows it: both unchanged from central, under the registered key.
  const checked = await runComptoir(['verify', '--archive', downloaded[0]!, '--archive', downloaded[1]!, '--key-id', keyId]);
  assert.equal(checked.code, 0, checked.output);
  assert.match(checked.output, /^2 archives consecutive$/m);

  // The store's manager takes the fiscal year's file from the back office ("Fichier de la caisse").
  // Central serves the back office's dist/: built when missing or older than its sources (a lone run of this file).
  ensureWebBuilt(resolve(fileURLToPath(import.meta.url), '../../../backoffice-web'));
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(`${shop.central.url}/`);
    const manager = shop.central.credentials().manager;
    await page.getByTestId('username').fill(manager.username);
    await page.getByTestId('password').fill(manager.password);
    await page.getByTestId('password').press('Enter');
    await page.getByTestId('nav-closures').click();
    await page.getByTestId(`row-menu-archive-${reg().id}-2`).click(); // the row's actions are behind its menu
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`archive-register-file-${reg().id}-2`).click()]);
    assert.equal(download.suggestedFilename(), `comptoir-archive-${reg().id}-${Y}.ndjson`);
    assert.ok((await readFile(await download.path())).equals(await readFile(sent[1]!.file)), "the back office hands out the register's own bytes");
  } finally {
    await browser.close();
  }

  // The key is rotated (January's archive then names both keys, its header both public keys).
  const manager = await cashierLogin(reg().process.url, DEMO_MANAGER_AT_TILL);
  const rotated = await http(reg().process.url, 'POST', '/api/keys/rotate', { token: manager, body: {} });
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  // Online now: on 2 February the first sale closes January and signs its archive; its file reaches central at once.
  await moveRegisterClock(shop, reg(), clock, `${Y + 1}-02-02T09:00:00Z`);
  const feb = await sell(reg(), [{ ...products[0]!, quantity: 1 }]);
  assert.equal(feb.status, 201, JSON.stringify(feb.body));
  const latest = (await http(reg().process.url, 'GET', '/api/archives?limit=1', { token: reg().cashierToken })).body.items[0] as { number: number; payload: { periodKey: string; keys: { keyId: string }[] } };
  assert.deepEqual([latest.number, latest.payload.periodKey, latest.payload.keys.map((k) => k.keyId)], [3, `${Y + 1}-01`, [keyId, rotated.body.keyId]]);
  const january = await eventually("January's archive file sent while connected", async () => registerFiles().find((f) => f.number === 3 && f.sent_at !== null) ?? null, 30_000, 250);
  const januaryAtCentral = await keptFile(3);
  assert.equal(januaryAtCentral.status, 200);
  const januaryBytes = Buffer.from(await januaryAtCentral.arrayBuffer());
  assert.ok(januaryBytes.equals(await readFile(january.file)));
  const januaryPath = join(dir.path, 'downloaded-3.ndjson');
  await writeFile(januaryPath, januaryBytes);
  const both = await runComptoir(['verify', '--archive', januaryPath, '--key-id', keyId, '--key-id', rotated.body.keyId]);
  assert.equal(both.code, 0, both.output);

  // One kept file per archive at central; each download recorded (two by the admin above, one by the manager, one more here).
  const central = new Database(join(shop.central.dataDir, 'central.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = central.prepare('SELECT number, sha256 FROM archive_files WHERE register_id = ? ORDER BY number').all(reg().id) as { number: number; sha256: string }[];
    assert.deepEqual(rows, [...sent, january].map((f) => ({ number: f.number, sha256: f.sha256 })));
    assert.equal((central.prepare('SELECT count(*) AS n FROM archive_file_downloads WHERE register_id = ?').get(reg().id) as { n: number }).n, 4);
  } finally {
    central.close();
  }
});
