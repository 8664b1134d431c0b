import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import Database from 'better-sqlite3';
import { GENESIS_SIGNATURE, archiveBody, archiveDigest, archiveFile, generateSigningKeyPair, signRecord, type SignedRecord } from '@comptoir/domain';
import { tempDir } from '@comptoir/testing';
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

  // Someone with access to the file alters it (after removing the append-only triggers): each kind of
  // tampering on its own copy of the file, and `comptoir verify` names the broken record and why.
  const source = new Database(join(reg.process.dataDir, 'register.sqlite'), { readonly: true });
  // The key is not in the database: whoever holds the key file too can re-sign.
  const privateKeyPem = readFileSync(join(reg.process.dataDir, 'signing-key.pem'), 'utf8');
  const row = (db: Database.Database, n: number) =>
    db.prepare("SELECT * FROM records WHERE chain = 'ticket' AND number = ?").get(n) as { recorded_at: string; payload: string; prev_signature: string; signature: string; key_id: string };
  const cases: [string, (db: Database.Database) => void, RegExp][] = [
    ['ticket 2 total lowered', (db) => {
      const payload = JSON.parse(row(db, 2).payload);
      payload.totalCents -= 100;
      db.prepare("UPDATE records SET payload = ? WHERE chain = 'ticket' AND number = 2").run(JSON.stringify(payload));
    }, /BROKEN register .* chain ticket: 3 records — record 2: its signature does not verify with the register public key/],
    ['ticket 2 deleted', (db) => db.exec("DELETE FROM records WHERE chain = 'ticket' AND number = 2"),
      /BROKEN register .* chain ticket: 2 records — record 3: a number is missing/],
    ['ticket 3 re-signed with the register key, linked to ticket 1', (db) => {
      const r3 = row(db, 3);
      const unsigned = { registerId: reg.id, chain: 'ticket', number: 3, recordedAt: r3.recorded_at, payload: JSON.parse(r3.payload), prevSignature: row(db, 1).signature, keyId: r3.key_id };
      db.prepare("UPDATE records SET prev_signature = ?, signature = ? WHERE chain = 'ticket' AND number = 3")
        .run(unsigned.prevSignature, signRecord(createPrivateKey(privateKeyPem), unsigned));
    }, /BROKEN register .* chain ticket: 3 records — record 3: its previous signature is not the previous record's signature/],
    ['ticket 1 deleted', (db) => db.exec("DELETE FROM records WHERE chain = 'ticket' AND number = 1"),
      /BROKEN register .* chain ticket: 2 records — record 2: the chain does not start at 1/],
  ];
  for (const [what, tamper, reason] of cases) {
    const dir = await tempDir('comptoir-tampered-');
    try {
      source.exec(`VACUUM INTO '${join(dir.path, 'register.sqlite')}'`);
      const db = new Database(join(dir.path, 'register.sqlite'));
      db.exec('DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete');
      tamper(db);
      db.close();
      const tampered = await runVerify(dir.path);
      assert.equal(tampered.code, 1, `${what}: ${tampered.output}`);
      assert.match(tampered.output, reason, what);
      assert.match(tampered.output, /^1 chain\(s\) broken$/m, what);
    } finally {
      await dir.cleanup();
    }
  }
  source.close();
  await reg.process.restart();
});

test('verify --archive: a good archive file is ARCHIVE OK, one byte changed is ARCHIVE BROKEN', async () => {
  // An archive as a register makes it: two ticket records and one event, then the signed archive record.
  const keys = generateSigningKeyPair();
  const key = createPrivateKey(keys.privateKeyPem);
  const heads = new Map<string, SignedRecord>();
  let at = Date.parse('2025-03-31T18:00:00.000Z');
  const next = (chain: string, payload: unknown): SignedRecord => {
    const prev = heads.get(chain);
    at += 1000;
    const unsigned = { registerId: 'reg-archive', chain, number: (prev?.number ?? 0) + 1, recordedAt: new Date(at).toISOString(), payload, prevSignature: prev?.signature ?? GENESIS_SIGNATURE };
    const record = { ...unsigned, signature: signRecord(key, unsigned) };
    heads.set(chain, record);
    return record;
  };
  const records = [next('ticket', { type: 'ticket', totalCents: 130 }), next('ticket', { type: 'ticket', totalCents: 260 }), next('event', { type: 'event', event: 'login' })];
  const body = archiveBody(records);
  const archive = next('archive', {
    type: 'archive',
    periodKey: '2025-03',
    ranges: [
      { chain: 'ticket', from: 1, to: 2, prevSignature: GENESIS_SIGNATURE },
      { chain: 'event', from: 1, to: 1, prevSignature: GENESIS_SIGNATURE },
    ],
    recordCount: records.length,
    sha256: archiveDigest(body),
  });
  const text = archiveFile({ registerId: 'reg-archive', publicKeyPem: keys.publicKeyPem, archive }, body);
  const dir = await tempDir('comptoir-archive-');
  try {
    const good = join(dir.path, 'good.ndjson');
    await writeFile(good, text);
    const ok = await runVerify(undefined, ['--archive', good]);
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /ARCHIVE OK/);
    assert.match(ok.output, /register reg-archive/);
    assert.match(ok.output, /period 2025-03/);
    assert.match(ok.output, /chain ticket: records 1\.\.2 \(2 records\)/);
    assert.match(ok.output, /key fingerprint [0-9a-f]{64}/);

    // One byte changed in the second ticket's total.
    const bad = join(dir.path, 'bad.ndjson');
    const changed = text.replace('"totalCents":260', '"totalCents":250');
    assert.notEqual(changed, text);
    await writeFile(bad, changed);
    const broken = await runVerify(undefined, ['--archive', bad]);
    assert.equal(broken.code, 1, broken.output);
    assert.match(broken.output, /^ARCHIVE BROKEN: the body does not match the signed SHA-256$/m);

    // Two sources at once is a usage error.
    const usage = await runVerify(dir.path, ['--archive', good]);
    assert.equal(usage.code, 2, usage.output);
    assert.match(usage.output, /only one of --data DIR, --database-url URL, --archive FILE/);
  } finally {
    await dir.cleanup();
  }
});
