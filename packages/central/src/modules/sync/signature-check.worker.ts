// Signature worker thread (see signature-pool.ts): @comptoir/domain's verifyRecord, off the main
// thread. Built by `npm run build` (packages/central/build.mjs) into dist/signature.worker.mjs,
// plain JavaScript: a worker thread does not inherit tsx's loader on Node 20, and loading tsx in
// each worker would cost ≈ 1 s of CPU at start.
//
// Message in: {id, pem, body, from, to}: `body` is the push request's JSON text exactly as received
// (one string copy, far cheaper than cloning 500 parsed records); records[from..to) are checked.
// Message out: {id, ok: boolean[]} in record order, or {id, error} (malformed key or body: the
// caller then checks in-thread). A malformed record verifies as false.
import { parentPort } from 'node:worker_threads';
import { verifyRecord, type SignedRecord } from '@comptoir/domain';
import { publicKeyOf } from './public-keys';

export interface SignatureCheck {
  id: number;
  pem: string;
  body: string;
  from: number;
  to: number;
}

parentPort?.on('message', (msg: SignatureCheck) => {
  try {
    const key = publicKeyOf(msg.pem);
    const records = (JSON.parse(msg.body) as { records?: unknown }).records;
    if (!Array.isArray(records) || records.length < msg.to) throw new Error('body holds fewer records than expected');
    const ok: boolean[] = [];
    for (let i = msg.from; i < msg.to; i++) {
      const r = records[i] as SignedRecord | null;
      try {
        ok.push(r !== null && typeof r === 'object' && verifyRecord(key, r, r.signature));
      } catch {
        ok.push(false);
      }
    }
    parentPort?.postMessage({ id: msg.id, ok });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
