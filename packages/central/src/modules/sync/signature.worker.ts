import { parentPort } from 'node:worker_threads';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { verifyRecord, type SignedRecord } from '@comptoir/domain';

// Verifies record signatures off the main thread (pure CPU). Message in: {id, pem, records};
// message out: {id, ok: boolean[]} in the same order. A malformed record verifies as false.
const keys = new Map<string, KeyObject>();
parentPort?.on('message', (msg: { id: number; pem: string; records: SignedRecord[] }) => {
  let key = keys.get(msg.pem);
  if (!key) {
    if (keys.size > 1000) keys.clear();
    key = createPublicKey(msg.pem);
    keys.set(msg.pem, key);
  }
  const ok = msg.records.map((r) => {
    try {
      return verifyRecord(key, r, r.signature);
    } catch {
      return false;
    }
  });
  parentPort?.postMessage({ id: msg.id, ok });
});
