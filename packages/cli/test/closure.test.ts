import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { businessDay } from '@comptoir/domain';
import { DEMO_MANAGER_AT_TILL, eventually, http } from '@comptoir/testing';
import { centralTickets, openShop, sell, someProducts, waitForDrained, waitForMode, type Shop } from './support/shop';
import { runVerify } from './support/verify';

/**
 * Daily closure (Z), end to end: a real central server and a register process behind a fault
 * proxy. The Z equals the X report read just before it, covers every ticket since the previous
 * closure exactly once, is signed into the register's `closure` chain even while autonomous, and
 * reaches the central server like any record; a second Z of the same day is refused and writes nothing.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

const reg = () => shop.registers[0]!;
const api = (method: 'GET' | 'POST', path: string, body?: unknown) => http(reg().process.url, method, path, { token: reg().cashierToken, body });

test('a Z made while autonomous equals the X report, resets it, and reaches central with the tickets', async () => {
  const products = await someProducts(shop, 3);
  // Connected sales, then a cut, sales and a return while autonomous.
  for (const p of products) assert.equal((await sell(reg(), [{ ...p, quantity: 2 }])).status, 201);
  await reg().link.setMode({ kind: 'refuse' });
  await waitForMode(reg(), 'autonomous');
  const offline = await sell(reg(), [{ ...products[0]!, quantity: 1 }]);
  assert.equal(offline.status, 201);
  assert.equal(offline.body.soldOffline, true);
  const refund = await api('POST', '/api/returns', {
    original: { number: offline.body.number },
    lines: [{ lineNo: 1, quantity: 1 }],
    refunds: [{ method: 'card', amountCents: offline.body.totalCents }],
    approval: DEMO_MANAGER_AT_TILL,
  });
  assert.equal(refund.status, 201, JSON.stringify(refund.body));

  const x = (await api('GET', '/api/reports/x')).body;
  assert.equal(x.ticketCount, 5);
  const z = await api('POST', '/api/closures/day', { approval: DEMO_MANAGER_AT_TILL });
  assert.equal(z.status, 201, JSON.stringify(z.body));
  const closure = z.body.payload;
  assert.equal(z.body.number, 1);
  assert.equal(closure.type, 'closure');
  assert.equal(closure.firstTicket, 1);
  assert.equal(closure.lastTicket, 5);
  for (const k of ['ticketCount', 'saleCount', 'returnCount', 'totalCents', 'payments', 'vat'] as const) assert.deepEqual(closure[k], x[k], `Z.${k} = X.${k}`);
  assert.equal(closure.grandTotalCents, closure.totalCents, 'first closure: the grand total is its own total');
  assert.equal(closure.period, 'day');
  // The business day of the Z (Europe/Paris, cutoff 04:00: a Z at 01:00 closes the day before), as the status says.
  assert.equal(closure.periodKey, businessDay(new Date(z.body.recordedAt), 'Europe/Paris', '04:00'));
  assert.equal((await api('GET', '/api/status')).body.businessDay, closure.periodKey, 'the status names the day the Z closes');

  // The X report starts again after the Z; a second Z the same day is refused and writes nothing.
  assert.equal((await api('GET', '/api/reports/x')).body.ticketCount, 0);
  const again = await api('POST', '/api/closures/day', { approval: DEMO_MANAGER_AT_TILL });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'CONFLICT');
  assert.equal(again.body.error.details.closure, 1);
  const local = (await api('GET', '/api/closures')).body.items;
  assert.equal(local.length, 1);
  assert.equal(local[0].integratedAt, null, 'still waiting while autonomous');

  // A sale after the Z belongs to the next closure, not to this one.
  const [later] = await someProducts(shop, 1);
  assert.equal((await sell(reg(), [{ ...later!, quantity: 1 }])).status, 201);
  assert.equal((await api('GET', '/api/reports/x')).body.ticketCount, 1);

  // Link back: the closure is integrated at central, and its totals match the tickets central holds.
  await reg().link.setMode({ kind: 'up' });
  await waitForDrained(reg());
  const centralClosures = (await http(shop.central.url, 'GET', `/api/closures?registerId=${reg().id}`, { token: shop.adminToken })).body.items;
  assert.equal(centralClosures.length, 1);
  assert.equal(centralClosures[0].signature, z.body.signature);
  assert.deepEqual(centralClosures[0].payload, closure);
  const covered = (await centralTickets(shop, reg().id)).filter((t) => t.number >= closure.firstTicket && t.number <= closure.lastTicket);
  assert.equal(covered.length, closure.ticketCount);
  assert.equal(covered.reduce((s, t) => s + t.totalCents, 0), closure.totalCents);
  const localAfter = await eventually('closure integrated locally', async () => (await api('GET', '/api/closures')).body.items.find((c: any) => c.integratedAt));
  assert.equal(localAfter.number, 1);

  // The closure chain verifies, at the central server and on the register.
  const verified = await runVerify(shop.central.dataDir);
  assert.equal(verified.code, 0, verified.output);
  assert.match(verified.output, new RegExp(`ok +register ${reg().id} chain closure: 1 records`));
  const onRegister = await runVerify(reg().process.dataDir);
  assert.equal(onRegister.code, 0, onRegister.output);
  assert.match(onRegister.output, new RegExp(`ok +register ${reg().id} chain closure: 1 records`));
});

test('the closure endpoints need a cashier session; central lists closures for staff only', async () => {
  assert.equal((await http(reg().process.url, 'POST', '/api/closures/day')).status, 401);
  assert.equal((await http(reg().process.url, 'GET', '/api/closures')).status, 401);
  assert.equal((await api('GET', '/api/closures?limit=0')).status, 400);
  assert.equal((await http(shop.central.url, 'GET', '/api/closures')).status, 401);
  assert.equal((await http(shop.central.url, 'GET', '/api/closures?limit=abc', { token: shop.adminToken })).status, 400);
});
