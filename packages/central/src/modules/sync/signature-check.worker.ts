// Signature worker thread (see signature-pool.ts): @comptoir/domain's verifyRecord, off the main
// thread. Built by `npm run build` (packages/central/build.mjs) into dist/signature.worker.mjs,
// plain JavaScript: a worker thread does not inherit tsx's loader on Node 20, and loading tsx in
// each worker would cost ≈ 1 s of CPU at start.
//
// Message in: {id, pems, body, from, to}: `body` is the push request's JSON text exactly as received
// (one string copy, far cheaper than cloning 500 parsed records); records[from..to) are checked.
// Message out: {id, ok: boolean[]} in record order, or {id, error} (malformed key or body: the
// caller then checks in-thread). A malformed record verifies as false.
import { parentPort } from 'node:worker_threads';
import { checkRecordSignatures } from './public-keys';

export interface SignatureCheck {
  id: number;
  /** The register's keys, oldest first. */
  pems: string[];
  body: string;
  from: number;
  to: number;
}

parentPort?.on('message', (msg: SignatureCheck) => {
  try {
    const records = (JSON.parse(msg.body) as { records?: unknown }).records;
    if (!Array.isArray(records) || records.length < msg.to) throw new Error('body holds fewer records than expected');
    parentPort?.postMessage({ id: msg.id, ok: checkRecordSignatures(msg.pems, records.slice(msg.from, msg.to)) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
