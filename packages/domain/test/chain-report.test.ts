import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENESIS_SIGNATURE, generateSigningKeyPair, signRecord, type SignedRecord } from '../src/signing';
import { reportChain } from '../src/chain-report';

const keys = generateSigningKeyPair();

function chain(n: number): SignedRecord[] {
  const out: SignedRecord[] = [];
  let prev = GENESIS_SIGNATURE;
  for (let i = 1; i <= n; i++) {
    const r = { registerId: 'reg-1', chain: 'ticket', number: i, recordedAt: '2025-01-01T00:00:00.000Z', payload: { i }, prevSignature: prev };
    const signature = signRecord(keys.privateKeyPem, r);
    out.push({ ...r, signature });
    prev = signature;
  }
  return out;
}

describe('reportChain (what comptoir verify prints)', () => {
  it('a whole chain verifies; an empty one too', () => {
    assert.deepEqual(reportChain('reg-1', 'ticket', chain(3), keys.publicKeyPem), { registerId: 'reg-1', chain: 'ticket', records: 3, ok: true });
    assert.deepEqual(reportChain('reg-1', 'event', [], keys.publicKeyPem), { registerId: 'reg-1', chain: 'event', records: 0, ok: true });
  });
  it('names the first broken record and why, in words', () => {
    const [r1, r2, r3] = chain(3) as [SignedRecord, SignedRecord, SignedRecord];
    const cases: [SignedRecord[], string][] = [
      [[r2, r3], 'record 2: the chain does not start at 1'],
      [[r1, r3], 'record 3: a number is missing (the chain must be gapless from 1)'],
      [[r1, { ...r2, prevSignature: r1.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, r3], "record 2: its previous signature is not the previous record's signature"],
      [[r1, { ...r2, payload: { i: 20 } }, r3], 'record 2: its signature does not verify with the register public key'],
    ];
    for (const [records, problem] of cases) {
      assert.deepEqual(reportChain('reg-1', 'ticket', records, keys.publicKeyPem), { registerId: 'reg-1', chain: 'ticket', records: records.length, ok: false, problem });
    }
  });
});
