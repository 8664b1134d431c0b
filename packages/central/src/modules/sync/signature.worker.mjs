// Signature worker thread (see signature-pool.ts). Plain JavaScript on purpose: Comptoir's
// TypeScript runs through tsx's loader, which a worker thread does not inherit (Node 20), and
// registering tsx inside the worker costs ~1 s of CPU at start and keeps the process alive.
// It performs exactly @comptoir/domain's verifyRecord (signing.ts: canonicalRecordString + ECDSA
// P-256/SHA-256, IEEE-P1363, canonical base64url): keep the two in step.
//
// Message in: {id, pem, body, from, to}: `body` is the push request's JSON text exactly as received
// (one string copy, far cheaper than cloning 500 parsed records); records[from..to) are checked.
// Message out: {id, ok: boolean[]} in record order, or {id, error} (malformed key or body: the
// caller then checks in-thread). A malformed record verifies as false.
import { parentPort } from 'node:worker_threads';
import { createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';

const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

export function verifyRecordJs(key, r, signature) {
  const { registerId, chain, number, recordedAt, payload, prevSignature } = r;
  for (const v of [registerId, chain, recordedAt, prevSignature]) if (typeof v !== 'string') return false;
  if (!Number.isSafeInteger(number) || number < 1 || payload === undefined) return false;
  const s = canonicalize({ registerId, chain, number, recordedAt, payload, prevSignature });
  if (s === undefined) return false;
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.toString('base64url') !== signature) return false;
  try {
    return verify('sha256', Buffer.from(s, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

const keys = new Map();
parentPort?.on('message', (msg) => {
  try {
    let key = keys.get(msg.pem);
    if (!key) {
      if (keys.size > 1000) keys.clear();
      key = createPublicKey(msg.pem);
      keys.set(msg.pem, key);
    }
    const records = JSON.parse(msg.body).records;
    if (!Array.isArray(records) || records.length < msg.to) throw new Error('body holds fewer records than expected');
    const ok = [];
    for (let i = msg.from; i < msg.to; i++) {
      const r = records[i];
      try {
        ok.push(r !== null && typeof r === 'object' && verifyRecordJs(key, r, r.signature));
      } catch {
        ok.push(false);
      }
    }
    parentPort?.postMessage({ id: msg.id, ok });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
