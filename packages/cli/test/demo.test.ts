import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, http, spawnComptoir, tempDir, type ChildHandle } from '@comptoir/testing';

/** `comptoir demo` as a newcomer runs it: cut a register's link, sell, restore, see it integrated. */
let demo: ChildHandle | undefined;
let cleanup: (() => Promise<void>) | undefined;
after(async () => {
  await demo?.stop();
  await cleanup?.();
});

test('demo: central + 2 registers, a link cut and restored from the central API', async () => {
  const dir = await tempDir('comptoir-demo-');
  cleanup = dir.cleanup;
  demo = spawnComptoir(['demo', '--data', dir.path, '--port', '0'], { name: 'demo', env: { COMPTOIR_LOG_LEVEL: 'warn' } });
  const file = join(dir.path, 'demo.json');
  const info = await eventually('demo.json written', async () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null), 60_000);
  assert.equal(info.registers.length, 2);
  assert.ok(info.admin.username && info.admin.password && info.cashier.login && info.cashier.pin && info.storeId);

  const admin = (await http(info.centralUrl, 'POST', '/api/auth/login', { body: info.admin })).body.token;
  const fleet = await http(info.centralUrl, 'GET', '/api/registers', { token: admin });
  assert.equal(fleet.status, 200);
  for (const r of info.registers) {
    const row = fleet.body.items.find((x: any) => x.id === r.id);
    assert.ok(row, `register ${r.id} in the fleet`);
    for (const key of ['id', 'name', 'storeId', 'mode', 'lastSeenAt', 'pendingRecords', 'lastSosCopyAt', 'sosSchedule']) assert.ok(key in row, `fleet row has ${key}`);
  }

  const [reg] = info.registers;
  const cashier = (await http(reg.url, 'POST', '/api/auth/login', { body: info.cashier })).body.token;
  const products = (await http(info.centralUrl, 'GET', '/api/products?limit=200', { token: admin })).body;
  assert.ok(products.total >= 150, `demo catalog has ~200 products (${products.total})`);
  const p = products.items[0];

  const cut = await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: admin, body: { up: false } });
  assert.equal(cut.status, 200, JSON.stringify(cut.body));
  await eventually('register autonomous', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'autonomous', 10_000);
  await eventually('fleet shows it autonomous or silent', async () => {
    const row = (await http(info.centralUrl, 'GET', '/api/registers', { token: admin })).body.items.find((x: any) => x.id === reg.id);
    return row.online === false;
  }, 15_000);

  const sale = await http(reg.url, 'POST', '/api/sales', {
    token: cashier,
    body: { lines: [{ sku: p.sku, quantity: 2 }], payments: [{ method: 'cash', amountCents: p.priceCents * 2 + 500 }] },
  });
  assert.equal(sale.status, 201, JSON.stringify(sale.body));
  assert.equal(sale.body.changeCents, 500);
  assert.equal(sale.body.soldOffline, true);

  const restore = await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: admin, body: { up: true } });
  assert.equal(restore.status, 200);
  const ticket = await eventually('offline ticket integrated', async () => {
    const list = (await http(info.centralUrl, 'GET', `/api/tickets?registerId=${reg.id}&limit=1000`, { token: admin })).body.items;
    return list.find((t: any) => t.number === sale.body.number);
  }, 20_000);
  assert.equal(ticket.soldOffline, true);
  assert.equal(ticket.totalCents, p.priceCents * 2);
  assert.ok(ticket.integratedAt);
  await eventually('register connected again', async () => (await http(reg.url, 'GET', '/api/status')).body.mode === 'connected', 10_000);

  const unknown = await http(info.centralUrl, 'POST', '/api/demo/links/nope', { token: admin, body: { up: false } });
  assert.equal(unknown.status, 404);
  const bad = await http(info.centralUrl, 'POST', `/api/demo/links/${reg.id}`, { token: admin, body: { up: 'no' } });
  assert.equal(bad.status, 400);
});
