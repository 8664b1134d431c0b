import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openShop, sell, someProducts, waitForDrained, type Shop } from './support/shop';
import { runVerify } from './support/verify';

/** `comptoir verify` passes on real chains and exits 1 on a tampered register file. */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1 });
});
after(async () => shop?.cleanup());

test('verify: chains of a register and of the central server, then a tampered ticket', async () => {
  const reg = shop.registers[0]!;
  const [p] = await someProducts(shop, 1);
  for (let i = 0; i < 3; i++) assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
  await waitForDrained(reg);

  const central = await runVerify(shop.central.dataDir);
  assert.equal(central.code, 0, central.output);
  assert.match(central.output, /chain ticket: 3 records/);
  await reg.process.handle.stop();
  const clean = await runVerify(reg.process.dataDir);
  assert.equal(clean.code, 0, clean.output);

  // Someone with access to the file edits ticket 2 (after removing the append-only trigger).
  const db = new Database(join(reg.process.dataDir, 'register.sqlite'));
  db.exec('DROP TRIGGER records_no_update');
  const row = db.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number = 2").get() as { payload: string };
  const payload = JSON.parse(row.payload);
  payload.totalCents -= 100;
  db.prepare("UPDATE records SET payload = ? WHERE chain = 'ticket' AND number = 2").run(JSON.stringify(payload));
  db.close();

  const tampered = await runVerify(reg.process.dataDir);
  assert.equal(tampered.code, 1, tampered.output);
  assert.match(tampered.output, /BROKEN .*chain ticket.*record 2/);
  await reg.process.restart();
});
