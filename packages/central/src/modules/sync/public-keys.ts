import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyResolver, verifyRecord, type SignedRecord } from '@comptoir/domain';

const cache = new Map<string, KeyObject>();

/** A register's public key, parsed once per PEM (bounded: cleared past 10,000 keys). */
export function publicKeyOf(pem: string): KeyObject {
  let key = cache.get(pem);
  if (!key) {
    if (cache.size > 10_000) cache.clear();
    key = createPublicKey(pem);
    cache.set(pem, key);
  }
  return key;
}

/**
 * ok[i]: records[i] carries a valid signature under the register key it names (`keyId`; the oldest
 * of `pems` when it names none). A record naming a key the register never had, or too malformed to
 * canonicalise, is false. One definition for the worker threads and the in-thread path.
 */
export function checkRecordSignatures(pems: readonly string[], records: readonly unknown[]): boolean[] {
  const keyOf = keyResolver(pems.map(publicKeyOf));
  return records.map((x) => {
    const r = x as SignedRecord | null;
    if (r === null || typeof r !== 'object') return false;
    const key = keyOf(r.keyId);
    if (!key) return false;
    try {
      return verifyRecord(key, r, r.signature);
    } catch {
      return false;
    }
  });
}
