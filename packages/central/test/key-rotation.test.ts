// Key rotation and till replacement (issue 10), at central, on SQLite and PostgreSQL: a rotation is a
// `key_end` event signed with the old key naming the next one; the chains go on under the next key
// (same numbers, same previous-signature links) in the same push or a later one; a record the old
// key signs past its end is refused (tamper alert key_not_valid); a replaced till enrolled again
// continues from central's heads; `verifyCentralChains` (comptoir verify) passes across both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { GENESIS_SIGNATURE, generateSigningKeyPair, keyIdOf, keyRotationDetails, signRecord } from '@comptoir/domain';
import type { Chain, RecordPayload, SignedRecord } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { ticketPayload } from './fixtures/records';
import { verifyCentralChains } from '../src/modules/sync/verify-chains';

after(stopSharedPostgres);

/** A till that names its key in every record, and can change key. */
class KeyedTill {
  key: KeyObject;
  keyId: string;
  publicKeyPem: string;
  heads = new Map<string, { number: number; signature: string }>();
  private clockMs = Date.parse('2025-03-14T08:00:00.000Z');

  constructor(readonly id: string, readonly storeId: string, public token: string, keys: { privateKeyPem: string; publicKeyPem: string }) {
    this.key = createPrivateKey(keys.privateKeyPem);
    this.keyId = keyIdOf(keys.publicKeyPem);
    this.publicKeyPem = keys.publicKeyPem;
  }

  next(chain: Chain, payload: RecordPayload, key = this.key): SignedRecord {
    const head = this.heads.get(chain) ?? { number: 0, signature: GENESIS_SIGNATURE };
    this.clockMs += 1000;
    const unsigned = { registerId: this.id, chain, number: head.number + 1, recordedAt: new Date(this.clockMs).toISOString(), payload, prevSignature: head.signature, keyId: keyIdOf(key) };
    const signature = signRecord(key, unsigned);
    this.heads.set(chain, { number: unsigned.number, signature });
    return { ...unsigned, signature } as SignedRecord;
  }

  sale(): SignedRecord {
    return this.next('ticket', ticketPayload(this.storeId, 'sale', [{ sku: 'PAIN', quantity: 1, unitPriceCents: 130 }], {}));
  }

  /** The `key_end` event (old key) and the `key_start` event (next key); the till signs with the next key afterwards. */
  rotate(): { end: SignedRecord; start: SignedRecord; previousKeyId: string } {
    const next = generateSigningKeyPair();
    const nextKeyId = keyIdOf(next.publicKeyPem);
    const endAt = { ...Object.fromEntries([...this.heads].map(([c, h]) => [c, h.number])), event: (this.heads.get('event')?.number ?? 0) + 1 };
    const previousKeyId = this.keyId;
    const end = this.next('event', { type: 'event', version: 2, code: 1071, event: 'key_end', details: keyRotationDetails({ keyId: this.keyId, nextKeyId, nextPublicKeyPem: next.publicKeyPem, endAt }) });
    this.key = createPrivateKey(next.privateKeyPem);
    this.keyId = nextKeyId;
    this.publicKeyPem = next.publicKeyPem;
    const start = this.next('event', { type: 'event', version: 2, code: 1070, event: 'key_start', details: { keyId: nextKeyId, previousKeyId } });
    return { end, start, previousKeyId };
  }
}

for (const dialect of DIALECTS) {
  describe(`key rotation and till replacement [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let till: KeyedTill;
    const push = (records: unknown[], token = till.token) => c.call('POST', '/api/sync/push', token, { records });

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('PAIN', 130, 1000);
      const created = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse clé' });
      const keys = generateSigningKeyPair();
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.json));
      assert.equal(enrolled.json.continueFrom, undefined, 'a first enrolment continues nothing');
      till = new KeyedTill(created.json.id, c.storeId, enrolled.json.token, keys);
    });
    after(async () => c?.close());

    it('a rotation in one push: the chains go on under the next key, and the old key is retired at its heads', async () => {
      const firstKey = { key: till.key, keyId: till.keyId };
      c.now.value = new Date('2025-03-14T10:00:00.000Z');
      const r1 = await push([till.sale(), till.sale(), till.next('event', { type: 'event', event: 'login', details: {} })]);
      assert.equal(r1.status, 200, JSON.stringify(r1.json));
      const { end, start } = till.rotate();
      const r2 = await push([end, start, till.sale()]);
      assert.equal(r2.status, 200, JSON.stringify(r2.json));
      assert.deepEqual([r2.json.integrated, r2.json.heads.ticket, r2.json.heads.event], [3, 3, 3]);

      const keys = await c.call('GET', `/api/registers/${till.id}/keys`, c.adminToken);
      assert.equal(keys.status, 200);
      assert.deepEqual(keys.json.items.map((k: any) => k.keyId).sort(), [firstKey.keyId, till.keyId].sort());
      const old = keys.json.items.find((k: any) => k.keyId === firstKey.keyId);
      const current = keys.json.items.find((k: any) => k.keyId === till.keyId);
      assert.deepEqual(old.endAt, { ticket: 2, event: 2 });
      assert.equal(old.validTo, c.now.value.toISOString(), 'retired when central integrated the rotation');
      assert.deepEqual(current.startAfter, { ticket: 2, event: 2 });
      assert.equal(current.endAt, null);
      assert.equal(current.validTo, null);

      const reports = await verifyCentralChains(c.location);
      assert.ok(reports.every((r) => r.ok), JSON.stringify(reports));

      // The old key (a stolen till) signs the next ticket: a key of this register, past its end.
      const forged = till.next('ticket', ticketPayload(till.storeId, 'sale', [{ sku: 'PAIN', quantity: 1, unitPriceCents: 130 }], {}), firstKey.key);
      const refused = await push([forged]);
      assert.equal(refused.status, 422, JSON.stringify(refused.json));
      assert.equal(refused.json.error.code, 'TAMPER_ALERT');
      assert.equal(refused.json.error.details.reason, 'key_not_valid');
      till.heads.set('ticket', { number: 3, signature: (await c.db.selectFrom('records').select('signature').where('register_id', '=', till.id).where('chain', '=', 'ticket').where('number', '=', 3).executeTakeFirstOrThrow()).signature });
    });

    it('a key_end not signed by the key it ends introduces nothing: the next key stays unknown', async () => {
      const stranger = generateSigningKeyPair();
      const strangerId = keyIdOf(stranger.publicKeyPem);
      const heads = { ticket: till.heads.get('ticket')!.number, event: till.heads.get('event')!.number + 1 };
      // Signed by the current key but claiming to end another key: not a rotation.
      const claim = till.next('event', { type: 'event', event: 'key_end', details: keyRotationDetails({ keyId: strangerId, nextKeyId: strangerId, nextPublicKeyPem: stranger.publicKeyPem, endAt: heads }) });
      assert.equal((await push([claim])).status, 200);
      const byStranger = till.next('ticket', ticketPayload(till.storeId, 'sale', [{ sku: 'PAIN', quantity: 1, unitPriceCents: 130 }], {}), createPrivateKey(stranger.privateKeyPem));
      const r = await push([byStranger]);
      assert.equal(r.json.error?.details?.reason, 'bad_signature', JSON.stringify(r.json));
      till.heads.set('ticket', { number: byStranger.number - 1, signature: byStranger.prevSignature });
      const keys = await c.call('GET', `/api/registers/${till.id}/keys`, c.adminToken);
      assert.equal(keys.json.items.length, 2);
    });

    it('a replaced till enrolled again continues the chains from central heads under its new key', async () => {
      const code = await c.call('POST', `/api/registers/${till.id}/enrol-code`, c.adminToken, {});
      assert.equal(code.status, 201, JSON.stringify(code.json));
      const keys = generateSigningKeyPair();
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: code.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.json));
      const from = enrolled.json.continueFrom;
      assert.equal(from.previousKeyId, till.keyId);
      const ticketHead = from.heads.find((h: any) => h.chain === 'ticket');
      assert.deepEqual([ticketHead.number, ticketHead.signature], [till.heads.get('ticket')!.number, till.heads.get('ticket')!.signature]);

      const oldTill = till;
      const replacement = new KeyedTill(till.id, till.storeId, enrolled.json.token, keys);
      for (const h of from.heads) replacement.heads.set(h.chain, { number: h.number, signature: h.signature });
      const r = await push([replacement.sale(), replacement.next('event', { type: 'event', event: 'key_start', details: { keyId: replacement.keyId } })], replacement.token);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.heads.ticket, ticketHead.number + 1);

      const listed = await c.call('GET', `/api/registers/${till.id}/keys`, c.adminToken);
      assert.equal(listed.json.items.length, 3);
      const retired = listed.json.items.find((k: any) => k.keyId === oldTill.keyId);
      assert.equal(retired.endAt.ticket, ticketHead.number);
      assert.notEqual(retired.validTo, null);
      assert.ok((await verifyCentralChains(c.location)).every((x) => x.ok));

      // The replaced till's key signs on past central's heads: refused.
      const late = oldTill.next('ticket', ticketPayload(till.storeId, 'sale', [{ sku: 'PAIN', quantity: 1, unitPriceCents: 130 }], {}));
      const head = replacement.heads.get('ticket')!;
      const lateRecord = { ...late, number: head.number + 1, prevSignature: head.signature };
      const signed = { ...lateRecord, signature: signRecord(oldTill.key, lateRecord) };
      const refused = await push([signed], replacement.token);
      assert.equal(refused.json.error?.details?.reason, 'key_not_valid', JSON.stringify(refused.json));
    });
  });
}
