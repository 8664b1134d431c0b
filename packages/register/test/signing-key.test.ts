// The signing key (issue 10): it lives in its own 0600 file, never in any database file (the
// register's SQLite, its WAL, central's database); every record names its key (keyId, signed with
// it); central lists the register's keys; a record naming another key, or re-signed with another
// key under the register's keyId, is refused. A database from before key files is scrubbed at start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateSigningKeyPair, keyIdOf, signRecord } from '@comptoir/domain';
import { eventually, http } from '@comptoir/testing';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { api, cashierSession, startTestRegister, tmp } from './helpers';
import type { RunningRegister } from '../src/index';

const centralOfFile = centralPerFile();

/** Every byte of the key, in every form it could sit in a file: the PEM body, the DER, the raw scalar. */
function keyForms(pem: string): Buffer[] {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  const d = Buffer.from(createPrivateKey(pem).export({ format: 'jwk' }).d!, 'base64url');
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  return [Buffer.from(body.slice(0, 40)), der, d];
}

function filesOf(dir: string): string[] {
  return ['register.sqlite', 'register.sqlite-wal', 'register.sqlite-shm'].map((f) => join(dir, f)).filter((f) => existsSync(f));
}

describe('the signing key', () => {
  let central: TestCentral;
  let dir: { path: string; cleanup(): Promise<void> };
  let reg: RunningRegister;
  let registerId: string;

  before(async () => {
    central = await centralOfFile();
    const created = await central.createRegister('Caisse clé');
    registerId = created.id;
    dir = await tmp();
    reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode });
  });
  after(async () => {
    await reg?.close();
    await dir?.cleanup();
  });

  test('sits in its own 0600 file, in no database file; every record names it; central lists it', async () => {
    const keyFile = join(dir.path, 'signing-key.pem');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const pem = readFileSync(keyFile, 'utf8');
    const keyId = keyIdOf(createPublicKey(createPrivateKey(pem)));
    const { token } = await cashierSession(reg, central.cashier);
    for (let i = 0; i < 3; i++) {
      const r = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 100_00 }] } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await eventually('integrated', async () => reg.status().pendingRecords === 0);

    const records = reg.ctx.sqlite.prepare('SELECT DISTINCT key_id FROM records').all() as { key_id: string }[];
    assert.deepEqual(records, [{ key_id: keyId }], 'every record names the key');
    for (const file of filesOf(dir.path)) {
      const bytes = readFileSync(file);
      for (const form of keyForms(pem)) assert.equal(bytes.indexOf(form), -1, `a form of the key is in ${file}`);
    }
    const centralBytes = readFileSync(central.file);
    for (const form of keyForms(pem)) assert.equal(centralBytes.indexOf(form), -1, 'a form of the key is in central.sqlite');

    const keys = await http(central.url, 'GET', `/api/registers/${registerId}/keys`, { token: central.adminToken });
    assert.equal(keys.status, 200);
    assert.equal(keys.body.items.length, 1);
    assert.equal(keys.body.items[0].keyId, keyId);
    assert.equal(keys.body.items[0].validTo, null);
    assert.equal(keyIdOf(keys.body.items[0].publicKeyPem), keyId);
    const anonymous = await http(central.url, 'GET', `/api/registers/${registerId}/keys`);
    assert.equal(anonymous.status, 401);
  });

  test('central refuses a record signed by another key, whether it names that key or the registered one', async () => {
    const head = await http(central.url, 'GET', `/api/tickets?registerId=${registerId}&limit=1000`, { token: central.adminToken });
    const last = reg.ctx.sqlite.prepare("SELECT number, signature, recorded_at FROM records WHERE chain = 'event' ORDER BY number DESC LIMIT 1").get() as {
      number: number;
      signature: string;
      recorded_at: string;
    };
    assert.ok(head.body.total >= 1);
    const other = generateSigningKeyPair();
    const registered = reg.ctx.identity!.keyId;
    for (const keyId of [keyIdOf(other.publicKeyPem), registered]) {
      const unsigned = {
        registerId,
        chain: 'event',
        number: last.number + 1,
        recordedAt: last.recorded_at,
        payload: { type: 'event', event: 'login', details: { cashierId: 'forged' } },
        prevSignature: last.signature,
        keyId,
      };
      const forged = { ...unsigned, signature: signRecord(other.privateKeyPem, unsigned) };
      const r = await http(central.url, 'POST', '/api/sync/push', { token: reg.ctx.identity!.token, body: { records: [forged] } });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'TAMPER_ALERT');
      assert.equal(r.body.error.details.reason, 'bad_signature');
    }
  });

  test('a database from before key files is scrubbed at start: the key moves to its file', async () => {
    const keyFile = join(dir.path, 'signing-key.pem');
    const pem = readFileSync(keyFile, 'utf8');
    await reg.close();
    // The old layout: the key in register_meta, no key file.
    const db = new Database(join(dir.path, 'register.sqlite'));
    db.prepare('UPDATE register_meta SET private_key_pem = ? WHERE id = 1').run(pem);
    db.close();
    unlinkSync(keyFile);
    const found = filesOf(dir.path).some((f) => keyForms(pem).some((form) => readFileSync(f).indexOf(form) >= 0));
    assert.ok(found, 'the old layout holds the key in the database (the check below can fail)');

    reg = await startTestRegister(dir.path, central.url);
    assert.equal(readFileSync(keyFile, 'utf8'), pem);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    for (const file of filesOf(dir.path)) {
      const bytes = readFileSync(file);
      for (const form of keyForms(pem)) assert.equal(bytes.indexOf(form), -1, `a form of the key is still in ${file}`);
    }
    const { token } = await cashierSession(reg, central.cashier);
    const sale = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 100_00 }] } });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
  });
});
