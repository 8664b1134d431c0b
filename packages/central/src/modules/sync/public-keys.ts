import { createPublicKey, type KeyObject } from 'node:crypto';

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
