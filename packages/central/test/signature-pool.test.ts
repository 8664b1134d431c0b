import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { generateSigningKeyPair, verifyRecord } from '@comptoir/domain';
import type { SignedRecord } from '@comptoir/protocol';
import { verifySignatures } from '../src/modules/sync/signature-pool';
import { FakeRegister } from './fixtures/records';

// The signature worker is plain JavaScript (a worker thread does not inherit the tsx loader), so it
// re-implements @comptoir/domain's verifyRecord. These tests keep the two in step: same verdict on
// valid, tampered and malformed records, directly and through the pool's worker path.
const WORKER = '../src/modules/sync/signature.worker.mjs';
type VerifyJs = (key: ReturnType<typeof createPublicKey>, r: unknown, signature: unknown) => boolean;

const keys = generateSigningKeyPair();
const register = new FakeRegister('reg-sig', 'store-1', 'token', keys.privateKeyPem);
const publicKey = createPublicKey(keys.publicKeyPem);

function tampered(r: SignedRecord, how: number): SignedRecord {
  const copy = structuredClone(r) as SignedRecord & { payload: { totalCents?: number } };
  switch (how % 5) {
    case 0: return { ...copy, number: copy.number + 1 };
    case 1: return { ...copy, prevSignature: copy.prevSignature + 'A' };
    case 2: return { ...copy, payload: { ...copy.payload, totalCents: (copy.payload.totalCents ?? 0) + 1 } } as SignedRecord;
    case 3: return { ...copy, signature: copy.signature.slice(0, -1) + (copy.signature.endsWith('A') ? 'B' : 'A') };
    default: return { ...copy, recordedAt: '2030-01-01T00:00:00.000Z' };
  }
}

test('the worker verdict equals domain verifyRecord on valid, tampered and malformed records', async () => {
  const { verifyRecordJs } = (await import(WORKER as string)) as { verifyRecordJs: VerifyJs };
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.boolean(), async (price, how, tamper) => {
      const r = register.sale([{ sku: `SKU-${price % 7}`, quantity: 1 + (how % 3), unitPriceCents: price }]);
      const candidate = tamper ? tampered(r, how) : r;
      const domain = verifyRecord(publicKey, candidate, candidate.signature);
      assert.equal(verifyRecordJs(publicKey, candidate, candidate.signature), domain);
      assert.equal(domain, !tamper);
    }),
    { numRuns: 200 },
  );
  for (const junk of [{}, { registerId: 1 }, { ...register.sale([{ sku: 'X', quantity: 1, unitPriceCents: 1 }]), number: -1 }]) {
    assert.equal(verifyRecordJs(publicKey, junk, 'x'.repeat(86)), false);
  }
});

test('a large batch checked on the worker path flags exactly the tampered records', async () => {
  const records = Array.from({ length: 300 }, (_, i) => register.sale([{ sku: `SKU-${i % 9}`, quantity: 1, unitPriceCents: 100 + i }]));
  const bad = new Set([0, 77, 150, 299]);
  const batch = records.map((r, i) => (bad.has(i) ? tampered(r, i) : r));
  const ok = await verifySignatures(keys.publicKeyPem, batch, JSON.stringify({ records: batch }));
  assert.deepEqual(ok.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0), [...bad]);
});
