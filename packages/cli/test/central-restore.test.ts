import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_MANAGER_AT_TILL, eventually, http } from '@comptoir/testing';
import { centralTickets, openShop, sell, someProducts, waitForDrained, type Shop } from './support/shop';
import { runVerify } from './support/verify';

/**
 * Central restored from an older backup (found by the chaos run, seed 42): records the register had
 * seen integrated after the backup come back to central by themselves, even on a chain that has
 * nothing new to push (here the closure chain: one Z per day, so no later record would ever meet a
 * CHAIN_GAP). The register compares central's heads in each heartbeat with what it saw integrated.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

test('central restored from an older backup gets back what it lost, on every chain', async () => {
  const reg = shop.registers[0]!;
  const [p] = await someProducts(shop, 1);
  assert.ok(p);
  for (let i = 0; i < 2; i++) assert.equal((await sell(reg, [{ ...p, quantity: 1 }])).status, 201);
  await waitForDrained(reg);

  // The backup: central stopped cleanly, its database file copied.
  const db = join(shop.central.dataDir, 'central.sqlite');
  const backup = join(shop.central.dataDir, '..', 'central-backup.sqlite');
  await shop.central.handle.stop();
  await copyFile(db, backup);
  await shop.central.restart();

  // After the backup: one more sale and the day's Z, both integrated.
  assert.equal((await sell(reg, [{ ...p, quantity: 1 }])).status, 201);
  const z = await http(reg.process.url, 'POST', '/api/closures/day', { token: reg.cashierToken, body: { approval: DEMO_MANAGER_AT_TILL } });
  assert.equal(z.status, 201, JSON.stringify(z.body));
  await waitForDrained(reg);
  const closures = async () => (await http(shop.central.url, 'GET', `/api/closures?registerId=${reg.id}`, { token: shop.adminToken })).body.items as { number: number; signature: string }[];
  assert.equal((await closures()).length, 1);

  // Disaster: central dies and comes back from the backup (WAL files of the lost state removed).
  await shop.central.handle.kill9();
  await copyFile(backup, db);
  await rm(`${db}-wal`, { force: true });
  await rm(`${db}-shm`, { force: true });
  await shop.central.restart();
  const login = await http(shop.central.url, 'POST', '/api/auth/login', { body: shop.central.credentials().admin });
  shop.adminToken = login.body.token;

  // No new sale, no new Z: the register notices central's heads are behind and pushes again.
  await eventually('the Z is back at central', async () => (await closures()).some((c) => c.number === 1 && c.signature === z.body.signature), 30_000, 200);
  await eventually('the third ticket is back at central', async () => (await centralTickets(shop, reg.id)).length === 3, 30_000, 200);
  const tickets = await centralTickets(shop, reg.id);
  assert.deepEqual(tickets.map((t) => t.number).sort((a, b) => a - b), [1, 2, 3]);
  await waitForDrained(reg);
  assert.equal((await runVerify(shop.central.dataDir)).code, 0);
  assert.equal((await runVerify(reg.process.dataDir)).code, 0);
});
