import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { generateSigningKeyPair, verifyRecord } from '@comptoir/domain';
import type { SignedRecord } from '@comptoir/protocol';
import { FakeRegister } from './fixtures/records';

// At least one worker whatever the machine (the pool sizes itself at cores − 1): the path under test.
process.env.COMPTOIR_VERIFY_WORKERS = '2';
const { signaturePoolStats, verifySignatures } = await import('../src/modules/sync/signature-pool');

// Large batches are verified on worker threads (the compiled signature-check.worker.ts). These tests
// check that the worker path really ran and that its verdicts are domain verifyRecord's, record by
// record, on valid, tampered and malformed records.
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

/** Verifies on the worker path and checks that it was that path. */
async function onWorkers(batch: unknown[]): Promise<boolean[]> {
  const before = signaturePoolStats();
  const ok = await verifySignatures([keys.publicKeyPem], batch as SignedRecord[], JSON.stringify({ records: batch }));
  const after = signaturePoolStats();
  assert.equal(after.onWorkers - before.onWorkers, batch.length, 'verified on worker threads (is packages/central built?)');
  assert.equal(after.inThread, before.inThread, 'nothing fell back in-thread');
  return ok;
}

test('the worker verdicts equal domain verifyRecord on valid, tampered and malformed records', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.boolean()), { minLength: 64, maxLength: 200 }), async (specs) => {
      const batch: unknown[] = specs.map(([price, how, tamper]) => {
        const r = register.sale([{ sku: `SKU-${price % 7}`, quantity: 1 + (how % 3), unitPriceCents: price }]);
        return tamper ? tampered(r, how) : r;
      });
      batch.push({}, { registerId: 1 }, { ...register.sale([{ sku: 'X', quantity: 1, unitPriceCents: 1 }]), number: -1 }, null);
      const ok = await onWorkers(batch);
      const expected = batch.map((r) => {
        try {
          return r !== null && typeof r === 'object' && verifyRecord(publicKey, r as SignedRecord, (r as SignedRecord).signature);
        } catch {
          return false;
        }
      });
      assert.deepEqual(ok, expected);
      assert.deepEqual(ok.slice(-4), [false, false, false, false], 'malformed records never verify');
    }),
    { numRuns: 20 },
  );
});

test('a large batch checked on the worker path flags exactly the tampered records', async () => {
  const records = Array.from({ length: 300 }, (_, i) => register.sale([{ sku: `SKU-${i % 9}`, quantity: 1, unitPriceCents: 100 + i }]));
  const bad = new Set([0, 77, 150, 299]);
  const batch = records.map((r, i) => (bad.has(i) ? tampered(r, i) : r));
  const ok = await onWorkers(batch);
  assert.deepEqual(ok.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0), [...bad]);
});
