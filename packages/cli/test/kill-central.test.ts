import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@comptoir/testing';
import { centralStock, centralTickets, openShop, registerStatus, sell, someProducts, waitForDrained, waitForMode, type Shop } from './support/shop';
import { runVerify } from './support/verify';

/**
 * kill -9 of the central server in the middle of a reintegration: after it restarts, the register
 * finishes the reintegration; nothing acknowledged is lost, nothing is counted twice, chains verify.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

test('central killed during a reintegration: exactly once after restart', async () => {
  const reg = shop.registers[0]!;
  const [p] = await someProducts(shop, 1);
  assert.ok(p);
  const initial = await centralStock(shop, p.sku);

  // Phase 1: cut, then sell offline (the backlog to reintegrate).
  await reg.link.setMode({ kind: 'refuse' });
  await waitForMode(reg, 'autonomous');
  const OFFLINE = 1500;
  for (let i = 0; i < OFFLINE; i += 10) {
    const wave: { status: number; body: unknown }[] = await Promise.all(Array.from({ length: 10 }, () => sell(reg, [{ ...p, quantity: 1 }])));
    for (const r of wave) assert.equal(r.status, 201, JSON.stringify(r.body));
  }

  // Phase 2: restore through a slow link so the reintegration takes a while, and kill -9 the
  // central server once part of the backlog is integrated.
  await reg.link.setMode({ kind: 'latency', ms: 40 });
  await eventually('reintegration under way', async () => {
    const s = await registerStatus(reg);
    return s.mode === 'reintegrating' && s.pendingRecords < OFFLINE && s.pendingRecords > 0;
  }, 20_000, 20);
  await shop.central.handle.kill9();
  const midway = await registerStatus(reg);
  assert.ok(midway.pendingRecords > 0, 'the kill landed before the end of the reintegration');

  // Phase 3: the register keeps selling while the central server is down.
  const during = await sell(reg, [{ ...p, quantity: 1 }]);
  assert.equal(during.status, 201);

  // Phase 4: central back (same database); the register drains; everything exactly once.
  await reg.link.setMode({ kind: 'up' });
  await shop.central.restart();
  await waitForDrained(reg, 60_000);
  const tickets = await centralTickets(shop, reg.id);
  assert.equal(tickets.length, OFFLINE + 1);
  assert.deepEqual(tickets.map((t) => t.number), Array.from({ length: OFFLINE + 1 }, (_, i) => i + 1));
  assert.equal(await centralStock(shop, p.sku), initial - OFFLINE - 1);

  const verified = await runVerify(shop.central.dataDir);
  assert.equal(verified.code, 0, verified.output);
  const local = await runVerify(reg.process.dataDir);
  assert.equal(local.code, 0, local.output);
});
