import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_MANAGER_AT_TILL, fakeClock, http, onFaketime, tempDir, type FakeClock, type TempDir } from '@comptoir/testing';
import { moveRegisterClock } from './support/faketime-shop';
import { openShop, sell, someProducts, waitForDrained, type CatalogItem, type Shop } from './support/shop';
import { runComptoir, runVerify } from './support/verify';

/**
 * NF525 periods on a register whose wall clock is moved from outside its process (issue 10): the
 * real `comptoir register` runs under libfaketime (LD_PRELOAD, its offset in a file re-read every
 * second), beside a real central. The clock goes forward across a day, a month end and a year end,
 * with a day left unclosed in between: a Z at 00:30 closes the evening before (Paris, cutoff 04:00);
 * the first sale of 2 January is preceded by the automatic Z of the day left open, December's month
 * closure and the fiscal year's, and their archives; everything reaches central and every chain and
 * archive verifies with `comptoir verify`. The store is the demo's (Europe/Paris, cutoff 04:00,
 * fiscal year from January); the year is the next one, so the faked clock is always ahead of the
 * real one (and of central's).
 */
const Y = new Date().getUTCFullYear() + 1;
const at = (iso: string) => new Date(iso); // UTC instants; Paris is UTC+1 in December and January

let dir: TempDir;
let clock: FakeClock;
let shop: Shop;
let products: CatalogItem[];

before(async () => {
  dir = await tempDir('comptoir-faketime-');
  if (onFaketime().skip) return;
  clock = fakeClock(join(dir.path, 'register.faketime'));
  clock.set(at(`${Y}-12-29T09:00:00Z`)); // 10:00 in Paris on 29 December, from the register's start
  shop = await openShop({ registers: 1, heartbeatMs: 250, registerEnv: clock.env });
  products = await someProducts(shop, 2);
});
after(async () => {
  await shop?.cleanup();
  await dir?.cleanup();
});

const reg = () => shop.registers[0]!;
const call = (method: 'GET' | 'POST', path: string, body?: unknown) => http(reg().process.url, method, path, { token: reg().cashierToken, body });

/** Moves the register's clock and waits until its process tells that time. */
const moveClock = (iso: string) => moveRegisterClock(shop, reg(), clock, iso);

const closures = async () => (await call('GET', '/api/closures')).body.items as { number: number; recordedAt: string; payload: any }[];
const soldOk = async (p: CatalogItem, quantity: number) => {
  const r = await sell(reg(), [{ ...p, quantity }]);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { number: number; totalCents: number; soldAt: string };
};

test('a register process under libfaketime: a Z at 00:30, a day left open, the month and year ends, all verified', onFaketime(), async () => {
  // 29 December: the register's process starts there (its start and enrolment events too).
  const status = (await http(reg().process.url, 'GET', '/api/status')).body;
  assert.equal(status.businessDay, `${Y}-12-29`, 'the register process runs on the faked clock');
  const first = await soldOk(products[0]!, 2);
  assert.equal(first.soldAt.slice(0, 10), `${Y}-12-29`);
  await soldOk(products[1]!, 1);

  // 00:30 on 30 December: still the business day of the 29th; the Z closes it.
  await moveClock(`${Y}-12-29T23:30:00Z`);
  const x = (await call('GET', '/api/reports/x')).body;
  assert.deepEqual([x.businessDay, x.ticketCount], [`${Y}-12-29`, 2]);
  const z = await call('POST', '/api/closures/day', { approval: DEMO_MANAGER_AT_TILL });
  assert.equal(z.status, 201, JSON.stringify(z.body));
  assert.deepEqual([z.body.payload.period, z.body.payload.periodKey, z.body.payload.auto, z.body.payload.firstTicket, z.body.payload.lastTicket], ['day', `${Y}-12-29`, false, 1, 2]);
  assert.ok(z.body.recordedAt.startsWith(`${Y}-12-29T23:3`), `signed at 00:30 Paris (${z.body.recordedAt})`);
  assert.equal(z.body.payload.totalCents, x.totalCents);

  // 30 December, 11:00: a sale, and no Z (the day is left open).
  await moveClock(`${Y}-12-30T10:00:00Z`);
  const open = await soldOk(products[0]!, 1);
  assert.equal((await call('GET', '/api/reports/x')).body.businessDay, `${Y}-12-30`);

  // 2 January, 10:00: the first sale is preceded by the Z of 30 December, December's and the year's closures.
  await moveClock(`${Y + 1}-01-02T09:00:00Z`);
  const xJan = (await call('GET', '/api/reports/x')).body;
  assert.deepEqual([xJan.businessDay, xJan.openDaysBefore, xJan.ticketCount], [`${Y + 1}-01-02`, 1, 0]);
  const jan = await soldOk(products[1]!, 1);
  const list = await closures();
  assert.deepEqual(
    list.map((c) => [c.number, c.payload.period, c.payload.periodKey, c.payload.auto]),
    [
      [4, 'year', String(Y), true],
      [3, 'month', `${Y}-12`, true],
      [2, 'day', `${Y}-12-30`, true],
      [1, 'day', `${Y}-12-29`, false],
    ],
  );
  const [year, month, day] = list;
  assert.deepEqual([day!.payload.firstTicket, day!.payload.lastTicket, day!.payload.totalCents], [open.number, open.number, open.totalCents]);
  assert.deepEqual([month!.payload.firstTicket, month!.payload.lastTicket], [1, open.number]);
  assert.deepEqual([year!.payload.firstTicket, year!.payload.lastTicket], [1, open.number]);
  assert.equal(year!.payload.totalCents, z.body.payload.totalCents + open.totalCents, 'the year is the sum of its days');
  for (const c of [day!, month!, year!]) assert.ok(c.recordedAt <= jan.soldAt && c.recordedAt.startsWith(`${Y + 1}-01-02`), `closure ${c.number} signed on 2 January, before the sale`);
  assert.equal(jan.number, open.number + 1);
  assert.equal((await call('GET', '/api/reports/x')).body.ticketCount, 1, "the X of 2 January holds only its own sale");

  // December's archive, then the fiscal year's, the year following its last month.
  const archives = (await call('GET', '/api/archives')).body.items as { number: number; payload: any }[];
  assert.deepEqual(archives.map((a) => [a.number, a.payload.periodKey]), [[2, String(Y)], [1, `${Y}-12`]]);
  const tickets = (a: { payload: any }) => a.payload.ranges.find((r: { chain: string }) => r.chain === 'ticket');
  assert.deepEqual([tickets(archives[1]!).from, tickets(archives[1]!).to], [1, open.number]);
  assert.deepEqual([tickets(archives[0]!).from, tickets(archives[0]!).to], [1, open.number], 'the 2 January sale waits for the next archives');

  // 00:30 on 3 January: the Z closes 2 January, the first business day of the new year.
  await moveClock(`${Y + 1}-01-02T23:30:00Z`);
  const zJan = await call('POST', '/api/closures/day', { approval: DEMO_MANAGER_AT_TILL });
  assert.equal(zJan.status, 201, JSON.stringify(zJan.body));
  assert.deepEqual([zJan.body.payload.periodKey, zJan.body.payload.firstTicket, zJan.body.payload.lastTicket], [`${Y + 1}-01-02`, jan.number, jan.number]);

  // Central holds every closure and archive as signed; every chain verifies on both sides.
  await waitForDrained(reg());
  const atCentral = (await http(shop.central.url, 'GET', `/api/closures?registerId=${reg().id}`, { token: shop.adminToken })).body.items as { signature: string }[];
  assert.equal(atCentral.length, 5);
  const centralArchives = (await http(shop.central.url, 'GET', `/api/archives?registerId=${reg().id}`, { token: shop.adminToken })).body.items as { number: number; payload: any }[];
  assert.deepEqual(centralArchives.map((a) => a.payload.periodKey), [String(Y), `${Y}-12`]);
  for (const data of [reg().process.dataDir, shop.central.dataDir]) {
    const verified = await runVerify(data);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, new RegExp(`ok +register ${reg().id} chain closure: 5 records`));
    assert.match(verified.output, new RegExp(`ok +register ${reg().id} chain archive: 2 records`));
  }

  // The two archive files, as the register serves them, check under the key id central registered.
  const keyId = ((await http(shop.central.url, 'GET', `/api/registers/${reg().id}/keys`, { token: shop.adminToken })).body.items as { keyId: string }[])[0]!.keyId;
  const files: string[] = [];
  for (const a of [archives[1]!, archives[0]!]) {
    const res = await fetch(`${reg().process.url}/api/archives/${a.number}/file`, { headers: { authorization: `Bearer ${reg().cashierToken}` } });
    assert.equal(res.status, 200);
    const text = await res.text();
    const rebuilt = await fetch(`${shop.central.url}/api/archives/${reg().id}/${a.number}/file`, { headers: { authorization: `Bearer ${shop.adminToken}` } });
    assert.equal(await rebuilt.text(), text, `central rebuilds the same ${a.payload.periodKey} file from its records`);
    files.push(join(dir.path, `${a.payload.periodKey}.ndjson`));
    await writeFile(files.at(-1)!, text);
  }
  const checked = await runComptoir(['verify', '--archive', files[0]!, '--archive', files[1]!, '--key-id', keyId]);
  assert.equal(checked.code, 0, checked.output);
  assert.match(checked.output, new RegExp(`^period ${Y} \\(fiscal year\\)$`, 'm'));
  assert.match(checked.output, /^2 archives consecutive$/m);
});
