// A key's validity by position (issue 10): across a rotation, each record verifies under the key
// valid at its place in its chain; a record the retired key signs past its end, or the next key
// before its start, is refused with the reason; a chain kept from an anchor (a replaced till) starts there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_SIGNATURE, generateSigningKeyPair, keyIdOf, keyRotationDetails, keyRotationOf, reportChain, signRecord, verifyChain, type SignedRecord } from '../src/index';

const a = generateSigningKeyPair();
const b = generateSigningKeyPair();

function chain(n: number, keyAt: (number: number) => string, from = 1, prev = GENESIS_SIGNATURE): SignedRecord[] {
  const out: SignedRecord[] = [];
  for (let number = from; number < from + n; number++) {
    const pem = keyAt(number);
    const unsigned = { registerId: 'r', chain: 'ticket', number, recordedAt: `2025-01-01T00:00:0${number % 10}.000Z`, payload: { n: number }, prevSignature: prev, keyId: keyIdOf(pem) };
    const signature = signRecord(pem, unsigned);
    out.push({ ...unsigned, signature });
    prev = signature;
  }
  return out;
}

const keys = [
  { publicKey: a.publicKeyPem, endAt: { ticket: 3 } },
  { publicKey: b.publicKeyPem, startAfter: { ticket: 3 } },
];

describe('key validity by position', () => {
  test('a chain signed by A up to 3 then by B verifies with both keys and their validity', () => {
    assert.deepEqual(verifyChain(chain(6, (n) => (n <= 3 ? a.privateKeyPem : b.privateKeyPem)), keys), { ok: true });
  });

  test('the retired key signing past its end is refused, with the reason', () => {
    const records = chain(5, (n) => (n <= 4 ? a.privateKeyPem : b.privateKeyPem));
    const check = verifyChain(records, keys);
    assert.deepEqual(check, { ok: false, number: 4, reason: 'key_not_valid', keyId: keyIdOf(a.publicKeyPem), detail: 'the key was retired after record 3 of this chain' });
    assert.match(reportChain('r', 'ticket', records, keys).problem!, /^record 4: signed with key [0-9a-f]{16}… outside its validity \(the key was retired after record 3 of this chain\)$/);
    // Without validity (every key valid everywhere) the same chain passes: the check is the validity.
    assert.deepEqual(verifyChain(records, [a.publicKeyPem, b.publicKeyPem]), { ok: true });
  });

  test('the next key before its start is refused', () => {
    const check = verifyChain(chain(4, (n) => (n <= 2 ? a.privateKeyPem : b.privateKeyPem)), keys);
    assert.equal(check.ok, false);
    assert.deepEqual(check.ok === false && [check.number, check.reason], [3, 'key_not_valid']);
  });

  test('a chain kept from an anchor starts right after it, following its signature', () => {
    const records = chain(3, () => b.privateKeyPem, 8, 'x'.repeat(86));
    assert.equal(reportChain('r', 'ticket', records, b.publicKeyPem, { number: 7, signature: 'x'.repeat(86) }).ok, true);
    assert.match(reportChain('r', 'ticket', records, b.publicKeyPem, { number: 7, signature: 'y'.repeat(86) }).problem!, /record 8: its previous signature/);
    assert.match(reportChain('r', 'ticket', records, b.publicKeyPem).problem!, /the chain does not start at 1/);
  });

  test('a rotation event is one only when signed by the key it ends, naming a next key that matches, ending the event chain at itself', () => {
    const details = keyRotationDetails({ keyId: keyIdOf(a.publicKeyPem), nextKeyId: keyIdOf(b.publicKeyPem), nextPublicKeyPem: b.publicKeyPem, endAt: { ticket: 3, event: 5 } });
    const record = { chain: 'event', number: 5, keyId: keyIdOf(a.publicKeyPem), payload: { type: 'event', event: 'key_end', details } };
    assert.deepEqual(keyRotationOf(record)?.endAt, { ticket: 3, event: 5 });
    assert.equal(keyRotationOf({ ...record, keyId: keyIdOf(b.publicKeyPem) }), null, 'signed by another key');
    assert.equal(keyRotationOf({ ...record, number: 6 }), null, 'the heads do not end at this event');
    assert.equal(keyRotationOf({ ...record, payload: { ...record.payload, details: { ...details, nextKeyId: keyIdOf(a.publicKeyPem) } } }), null, 'next key id and public key differ');
    assert.equal(keyRotationOf({ ...record, payload: { ...record.payload, details: { ...details, endAt: '{"ticket":-1,"event":5}' } } }), null);
  });
});
