import { keyIdOf, type ChainHeads, type SignedRecord } from './signing';

// Key rotation (issue 10): the register signs, with the key it retires, a `key_end` event naming the
// next key (its id and public key) and the chain heads at the change (`endAt`, JSON in the event's
// details: events carry flat details). Every record after those heads is signed by the next key.
// Whoever trusts the old key can so trust the next one from the signed chain alone, offline too.

export type KeyRotation = { keyId: string; nextKeyId: string; nextPublicKeyPem: string; endAt: ChainHeads };

/** The `details` of a rotation's `key_end` event. */
export function keyRotationDetails(r: KeyRotation): Record<string, string> {
  return { keyId: r.keyId, nextKeyId: r.nextKeyId, nextPublicKeyPem: r.nextPublicKeyPem, endAt: JSON.stringify(r.endAt) };
}

/**
 * The rotation a record states, or null when it is none: an `event` record `key_end` signed by the
 * key it retires (its keyId), naming a next key whose id matches its public key, with heads that
 * end the event chain at this very record. Its signature is checked by the caller (as any record's).
 */
export function keyRotationOf(record: Pick<SignedRecord, 'chain' | 'number' | 'payload' | 'keyId'>): KeyRotation | null {
  const p = record.payload as { type?: unknown; event?: unknown; details?: Record<string, unknown> } | null;
  if (record.chain !== 'event' || p?.type !== 'event' || p.event !== 'key_end' || !p.details) return null;
  const { keyId, nextKeyId, nextPublicKeyPem, endAt } = p.details;
  if (typeof keyId !== 'string' || keyId !== record.keyId || typeof nextKeyId !== 'string' || typeof nextPublicKeyPem !== 'string' || typeof endAt !== 'string') return null;
  let heads: unknown;
  try {
    heads = JSON.parse(endAt);
    if (keyIdOf(nextPublicKeyPem) !== nextKeyId) return null;
  } catch {
    return null;
  }
  if (heads === null || typeof heads !== 'object' || Array.isArray(heads)) return null;
  if (!Object.values(heads).every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null;
  if ((heads as ChainHeads).event !== record.number) return null;
  return { keyId, nextKeyId, nextPublicKeyPem, endAt: heads as ChainHeads };
}
