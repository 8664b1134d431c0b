import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import Database from 'better-sqlite3';
import { GENESIS_SIGNATURE, archiveBody, archiveDigest, archiveFile, generateSigningKeyPair, keyIdOf, signRecord, type SignedRecord } from '@comptoir/domain';
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
  // Each tampering on its own copy; the copies are made one by one, the four verifies run at once.
  await Promise.all(cases.map(async ([what, tamper, reason]) => {
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
  }));
  source.close();
  await reg.process.restart();
});

/**
 * Archives as a register makes them: records signed in their chains, then, per month, the signed
 * archive record naming the ranges since the previous archive and the body's SHA-256.
 */
function archiveMaker(privateKeyPem: string) {
  const key = createPrivateKey(privateKeyPem);
  const keyId = keyIdOf(key);
  const heads = new Map<string, SignedRecord>();
  let at = Date.parse('2025-03-31T18:00:00.000Z');
  const next = (chain: string, payload: unknown): SignedRecord => {
    const prev = heads.get(chain);
    at += 1000;
    const unsigned = { registerId: 'reg-archive', chain, number: (prev?.number ?? 0) + 1, recordedAt: new Date(at).toISOString(), payload, prevSignature: prev?.signature ?? GENESIS_SIGNATURE, keyId };
    const record = { ...unsigned, signature: signRecord(key, unsigned) };
    heads.set(chain, record);
    sinceYear.push(record);
    return record;
  };
  let pending: SignedRecord[] = [];
  // Every record since the previous fiscal-year archive (a fiscal-year archive, periodKey YYYY, holds them all, month archives last).
  let sinceYear: SignedRecord[] = [];
  return {
    keyId,
    add(chain: string, payload: unknown) {
      pending.push(next(chain, payload));
    },
    archive(periodKey: string, publicKeyPem: string): string {
      const year = periodKey.length === 4;
      const held = year ? sinceYear : pending;
      const chains = [...new Set(held.map((r) => r.chain))].sort((a, b) => Number(a === 'archive') - Number(b === 'archive'));
      const records = chains.flatMap((c) => held.filter((r) => r.chain === c));
      const ranges = chains.map((chain) => {
        const run = records.filter((r) => r.chain === chain);
        return { chain, from: run[0]!.number, to: run[run.length - 1]!.number, prevSignature: run[0]!.prevSignature };
      });
      const body = archiveBody(records);
      const archive = next('archive', { type: 'archive', periodKey, ranges, recordCount: records.length, sha256: archiveDigest(body) });
      if (year) sinceYear = [];
      else pending = [];
      return archiveFile({ registerId: 'reg-archive', publicKeyPem, archive }, body);
    },
  };
}

test('verify --archive: ARCHIVE OK only under the registered --key-id; 3 without it; 1 broken or re-signed with another key', async () => {
  const keys = generateSigningKeyPair();
  const maker = archiveMaker(keys.privateKeyPem);
  maker.add('ticket', { type: 'ticket', totalCents: 130 });
  maker.add('ticket', { type: 'ticket', totalCents: 260 });
  maker.add('event', { type: 'event', event: 'login' });
  const text = maker.archive('2025-03', keys.publicKeyPem);
  const dir = await tempDir('comptoir-archive-');
  try {
    const good = join(dir.path, 'good.ndjson');
    await writeFile(good, text);
    const ok = await runVerify(undefined, ['--archive', good, '--key-id', maker.keyId]);
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /^ARCHIVE OK$/m);
    assert.match(ok.output, /register reg-archive/);
    assert.match(ok.output, /period 2025-03/);
    assert.match(ok.output, /chain ticket: records 1\.\.2 \(2 records\)/);
    assert.match(ok.output, new RegExp(`^key id ${maker.keyId} \\(registered\\)$`, 'm'));

    // Without --key-id: the file's own key proves nothing; its key ids are printed, exit 3.
    const unauthenticated = await runVerify(undefined, ['--archive', good]);
    assert.equal(unauthenticated.code, 3, unauthenticated.output);
    assert.match(unauthenticated.output, new RegExp(`^key id ${maker.keyId}$`, 'm'));
    assert.match(unauthenticated.output, /^SIGNATURES VALID, KEY NOT AUTHENTICATED/m);
    assert.doesNotMatch(unauthenticated.output, /ARCHIVE OK/);

    // The same records re-signed, archive record and header included, with another key: every
    // signature is valid, but not under the registered key id.
    const forger = generateSigningKeyPair();
    const forged = archiveMaker(forger.privateKeyPem);
    forged.add('ticket', { type: 'ticket', totalCents: 130 });
    forged.add('ticket', { type: 'ticket', totalCents: 250 });
    forged.add('event', { type: 'event', event: 'login' });
    const resigned = join(dir.path, 'resigned.ndjson');
    await writeFile(resigned, forged.archive('2025-03', forger.publicKeyPem));
    const refused = await runVerify(undefined, ['--archive', resigned, '--key-id', maker.keyId]);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, new RegExp(`^key id ${forged.keyId} \\(NOT the registered key\\)$`, 'm'));
    assert.match(refused.output, /^ARCHIVE REFUSED: signed by another key/m);
    const forgedAlone = await runVerify(undefined, ['--archive', resigned]);
    assert.equal(forgedAlone.code, 3, forgedAlone.output);
    assert.match(forgedAlone.output, new RegExp(`^key id ${forged.keyId}$`, 'm'));

    // One byte changed in the second ticket's total: broken, with or without the key id.
    const bad = join(dir.path, 'bad.ndjson');
    const changed = text.replace('"totalCents":260', '"totalCents":250');
    assert.notEqual(changed, text);
    await writeFile(bad, changed);
    for (const extra of [[], ['--key-id', maker.keyId]]) {
      const broken = await runVerify(undefined, ['--archive', bad, ...extra]);
      assert.equal(broken.code, 1, broken.output);
      assert.match(broken.output, /^ARCHIVE BROKEN: the body does not match the signed SHA-256$/m);
    }

    // Usage errors: two sources at once; a key id that is not a SHA-256; a key id without archive.
    const usage = await runVerify(dir.path, ['--archive', good]);
    assert.equal(usage.code, 2, usage.output);
    assert.match(usage.output, /only one of --data DIR, --database-url URL, --archive FILE/);
    const badKey = await runVerify(undefined, ['--archive', good, '--key-id', 'abc']);
    assert.equal(badKey.code, 2, badKey.output);
    assert.match(badKey.output, /--key-id abc: 64 hexadecimal digits/);
    const keyAlone = await runVerify(dir.path, ['--key-id', maker.keyId]);
    assert.equal(keyAlone.code, 2, keyAlone.output);
    assert.match(keyAlone.output, /--key-id goes with --archive FILE/);
  } finally {
    await dir.cleanup();
  }
});

test('verify --archive A --archive B: consecutive archives pass; out of order, or one missing, is refused', async () => {
  const keys = generateSigningKeyPair();
  const maker = archiveMaker(keys.privateKeyPem);
  const months: string[] = [];
  const dir = await tempDir('comptoir-archives-');
  try {
    for (const [month, tickets] of [['2025-03', 2], ['2025-04', 1], ['2025-05', 3]] as const) {
      for (let i = 0; i < tickets; i++) maker.add('ticket', { type: 'ticket', totalCents: 100 + i });
      if (month !== '2025-04') maker.add('event', { type: 'event', event: 'login' });
      const file = join(dir.path, `${month}.ndjson`);
      await writeFile(file, maker.archive(month, keys.publicKeyPem));
      months.push(file);
    }
    const [march, april, may] = months as [string, string, string];
    const all = await runVerify(undefined, ['--archive', march, '--archive', april, '--archive', may, '--key-id', maker.keyId]);
    assert.equal(all.code, 0, all.output);
    assert.match(all.output, /^3 archives consecutive$/m);
    assert.match(all.output, /^ARCHIVE OK$/m);
    // Continuity holds without the key id too, but the key is still not authenticated.
    const unkeyed = await runVerify(undefined, ['--archive', march, '--archive', april]);
    assert.equal(unkeyed.code, 3, unkeyed.output);
    assert.match(unkeyed.output, /^2 archives consecutive$/m);

    const gap = await runVerify(undefined, ['--archive', march, '--archive', may, '--key-id', maker.keyId]);
    assert.equal(gap.code, 1, gap.output);
    assert.match(gap.output, /^ARCHIVES NOT CONSECUTIVE: archive 2025-05 after 2025-03: archive record 3 does not follow 1 \(give the archives between them/m);
    const swapped = await runVerify(undefined, ['--archive', april, '--archive', march, '--key-id', maker.keyId]);
    assert.equal(swapped.code, 1, swapped.output);
    assert.match(swapped.output, /^ARCHIVES NOT CONSECUTIVE/m);
  } finally {
    await dir.cleanup();
  }
});

test('verify --archive: fiscal-year archives follow each other through the archive records they hold; months across a year need it between', async () => {
  const keys = generateSigningKeyPair();
  const maker = archiveMaker(keys.privateKeyPem);
  const dir = await tempDir('comptoir-year-archives-');
  try {
    const write = async (name: string, text: string) => {
      const file = join(dir.path, `${name}.ndjson`);
      await writeFile(file, text);
      return file;
    };
    maker.add('ticket', { type: 'ticket', totalCents: 100 });
    const march = await write('2025-03', maker.archive('2025-03', keys.publicKeyPem)); // archive #1
    const year2025 = await write('2025', maker.archive('2025', keys.publicKeyPem)); // #2: ticket 1, archive 1
    maker.add('ticket', { type: 'ticket', totalCents: 200 });
    maker.add('event', { type: 'event', event: 'login' });
    const april = await write('2026-03', maker.archive('2026-03', keys.publicKeyPem)); // #3
    const year2026 = await write('2026', maker.archive('2026', keys.publicKeyPem)); // #4: ticket 2, event 1, archive 3

    const years = await runVerify(undefined, ['--archive', year2025, '--archive', year2026, '--key-id', maker.keyId]);
    assert.equal(years.code, 0, years.output);
    assert.match(years.output, /^period 2026 \(fiscal year\)$/m);
    assert.match(years.output, /^chain archive: records 3\.\.3 \(1 record\)$/m);
    assert.match(years.output, /^2 archives consecutive$/m);
    const chained = await runVerify(undefined, ['--archive', march, '--archive', year2025, '--archive', april, '--archive', year2026, '--key-id', maker.keyId]);
    assert.equal(chained.code, 0, chained.output);
    assert.match(chained.output, /^4 archives consecutive$/m);

    // Two months with a fiscal-year archive between them: refused without it.
    const months = await runVerify(undefined, ['--archive', march, '--archive', april, '--key-id', maker.keyId]);
    assert.equal(months.code, 1, months.output);
    assert.match(months.output, /^ARCHIVES NOT CONSECUTIVE: archive 2026-03 after 2025-03: archive record 3 does not follow 1 \(give the archives between them, a fiscal-year archive included\)$/m);
    // A fiscal year whose archive records do not start right after the previous file's archive record.
    const skipped = await runVerify(undefined, ['--archive', march, '--archive', year2026, '--key-id', maker.keyId]);
    assert.equal(skipped.code, 1, skipped.output);
    assert.match(skipped.output, /^ARCHIVES NOT CONSECUTIVE: archive 2026 after 2025-03: archive record 4 does not follow 1/m);
  } finally {
    await dir.cleanup();
  }
});
