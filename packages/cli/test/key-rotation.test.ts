// Key rotation and till replacement (issue 10), with real processes: a manager rotates the register's
// key (`POST /api/keys/rotate`), the till sells on, pushes, and `comptoir verify` passes on central's
// and the register's databases, each record under the key valid at its position; a ticket the
// retired key signs after its end fails verify with that reason. A replacement till (new machine,
// new data directory, enrolled again with a new code) continues the chains from central's heads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import Database from 'better-sqlite3';
import { keyIdOf, signRecord } from '@comptoir/domain';
import { DEMO_MANAGER_AT_TILL, eventually, http, startRegisterProcess, tempDir } from '@comptoir/testing';
import { cashierLogin, openShop, sell, someProducts, waitForDrained, type Shop } from './support/shop';
import { runVerify } from './support/verify';

let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1 });
});
after(async () => shop?.cleanup());

test('rotate, sell, push, verify; a ticket signed by the retired key after its end fails verify; a replacement till continues', async () => {
  const reg = shop.registers[0]!;
  const [p] = await someProducts(shop, 1);
  for (let i = 0; i < 2; i++) assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
  const keyFile = join(reg.process.dataDir, 'signing-key.pem');
  const oldPem = readFileSync(keyFile, 'utf8');
  const oldKeyId = keyIdOf(oldPem);

  const byCashier = await http(reg.process.url, 'POST', '/api/keys/rotate', { token: reg.cashierToken, body: {} });
  assert.equal(byCashier.status, 403, JSON.stringify(byCashier.body));
  const manager = await cashierLogin(reg.process.url, DEMO_MANAGER_AT_TILL);
  const rotated = await http(reg.process.url, 'POST', '/api/keys/rotate', { token: manager, body: {} });
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  assert.equal(rotated.body.previousKeyId, oldKeyId);
  assert.equal(rotated.body.endAt.ticket, 2);
  const newPem = readFileSync(keyFile, 'utf8');
  assert.equal(keyIdOf(newPem), rotated.body.keyId, 'the key file holds the new key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(existsSync(`${keyFile}.next`), false);

  for (let i = 0; i < 2; i++) assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
  await waitForDrained(reg);
  const keys = await http(shop.central.url, 'GET', `/api/registers/${reg.id}/keys`, { token: shop.adminToken });
  assert.deepEqual(keys.body.items.map((k: any) => [k.keyId, k.endAt?.ticket ?? null]), [[oldKeyId, 2], [rotated.body.keyId, null]]);
  const tickets = await http(shop.central.url, 'GET', `/api/tickets?registerId=${reg.id}`, { token: shop.adminToken });
  assert.deepEqual(tickets.body.items.map((t: any) => t.number).sort(), [1, 2, 3, 4]);

  const central = await runVerify(shop.central.dataDir);
  assert.equal(central.code, 0, central.output);
  assert.match(central.output, /chain ticket: 4 records/);
  await reg.process.handle.stop();
  const local = await runVerify(reg.process.dataDir);
  assert.equal(local.code, 0, local.output);

  // Whoever kept the old key file signs ticket 5 with it, chained to ticket 4, into a copy of the file.
  const copy = await tempDir('comptoir-retired-key-');
  try {
    const src = new Database(join(reg.process.dataDir, 'register.sqlite'), { readonly: true });
    src.exec(`VACUUM INTO '${join(copy.path, 'register.sqlite')}'`);
    src.close();
    const db = new Database(join(copy.path, 'register.sqlite'));
    const last = db.prepare("SELECT * FROM records WHERE chain = 'ticket' ORDER BY number DESC LIMIT 1").get() as { number: number; recorded_at: string; payload: string; signature: string };
    const unsigned = { registerId: reg.id, chain: 'ticket', number: last.number + 1, recordedAt: last.recorded_at, payload: JSON.parse(last.payload), prevSignature: last.signature, keyId: oldKeyId };
    const seq = (db.prepare('SELECT max(seq) + 1 AS s FROM records').get() as { s: number }).s;
    db.prepare('INSERT INTO records (chain, number, recorded_at, payload, prev_signature, signature, seq, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      'ticket', unsigned.number, unsigned.recordedAt, last.payload, unsigned.prevSignature, signRecord(createPrivateKey(oldPem), unsigned), seq, oldKeyId,
    );
    db.close();
    const forged = await runVerify(copy.path);
    assert.equal(forged.code, 1, forged.output);
    assert.match(forged.output, /BROKEN register .* chain ticket: 5 records — record 5: signed with key [0-9a-f]{16}… outside its validity \(the key was retired after record 2 of this chain\)/);
  } finally {
    await copy.cleanup();
  }

  // The till is replaced: a new machine, a new data directory, the register enrolled again.
  const code = await http(shop.central.url, 'POST', `/api/registers/${reg.id}/enrol-code`, { token: shop.adminToken, body: {} });
  assert.equal(code.status, 201, JSON.stringify(code.body));
  const machine = await tempDir('comptoir-replacement-');
  const replacement = await startRegisterProcess({ dataDir: join(machine.path, 'register'), centralUrl: reg.link.url, enrolCode: code.body.enrolCode, heartbeatMs: 250, name: 'replacement' });
  try {
    await eventually('replacement enrolled and connected', async () => {
      const s = await http(replacement.url, 'GET', '/api/status');
      return s.body.enrolled && s.body.mode === 'connected';
    });
    const till = { ...reg, process: replacement, cashierToken: await cashierLogin(replacement.url, shop.central.credentials().cashier) };
    const sold = await sell(till, [{ ...p!, quantity: 1 }]);
    assert.equal(sold.status, 201, JSON.stringify(sold.body));
    assert.equal(sold.body.number, 5, 'the ticket chain goes on from central');
    await waitForDrained(till);
    const after = await http(shop.central.url, 'GET', `/api/registers/${reg.id}/keys`, { token: shop.adminToken });
    assert.equal(after.body.items.length, 3);
    assert.equal(after.body.items[1].endAt.ticket, 4, 'the rotated key retired at central heads');
    const events = await http(shop.central.url, 'GET', `/api/events?registerId=${reg.id}&limit=20`, { token: shop.adminToken });
    const keyEvents = events.body.items.filter((e: any) => e.event === 'key_start' || e.event === 'key_end').map((e: any) => e.event);
    assert.deepEqual(keyEvents, ['key_start', 'key_end', 'key_start', 'key_end', 'key_start'], 'newest first: both ends and starts are events');
    const again = await runVerify(shop.central.dataDir);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /chain ticket: 5 records/);
    await replacement.handle.stop();
    const replacementVerify = await runVerify(replacement.dataDir);
    assert.equal(replacementVerify.code, 0, replacementVerify.output);
    assert.match(replacementVerify.output, /chain ticket: 1 records/);
  } finally {
    await replacement.handle.stop().catch(() => {});
    await machine.cleanup();
  }
});
