import canonicalize from 'canonicalize';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

// NF525 chains (docs/architecture.md §6): each record signs a canonical string of its legal fields and of the
// previous record's signature, with the register's ECDSA P-256 key over SHA-256.
// The canonical string format is a storage format: changing it invalidates every stored signature.

/** prevSignature of the record numbered 1 in every chain. */
export const GENESIS_SIGNATURE = '';

export type SignableRecord = {
  registerId: string;
  chain: string;
  number: number;
  recordedAt: string;
  payload: unknown;
  prevSignature: string;
};

export type SignedRecord = SignableRecord & { signature: string };

export type ChainCheck = { ok: true } | { ok: false; number: number; reason: 'gap' | 'prev_mismatch' | 'bad_signature' };

export type SigningKeyPair = { privateKeyPem: string; publicKeyPem: string };

/** P-256 IEEE-P1363 signatures are r‖s, 32 bytes each: 86 base64url characters without padding. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

/**
 * RFC 8785 canonical JSON of exactly the six signed fields (sorted keys, no whitespace).
 * Any other property of `r` (e.g. `signature`) is ignored. Throws on a malformed record
 * (non-string field, number not a positive safe integer, payload not JSON-serialisable).
 */
export function canonicalRecordString(r: SignableRecord): string {
  const { registerId, chain, number, recordedAt, payload, prevSignature } = r;
  for (const [name, v] of Object.entries({ registerId, chain, recordedAt, prevSignature })) {
    if (typeof v !== 'string') throw new TypeError(`canonicalRecordString: ${name} must be a string`);
  }
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new TypeError(`canonicalRecordString: number must be a positive integer (got ${number})`);
  }
  if (payload === undefined) throw new TypeError('canonicalRecordString: payload is required');
  const s = canonicalize({ registerId, chain, number, recordedAt, payload, prevSignature });
  if (s === undefined) throw new TypeError('canonicalRecordString: record is not serialisable');
  return s;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** base64url IEEE-P1363 ECDSA P-256/SHA-256 signature of canonicalRecordString(r). */
export function signRecord(privateKey: string | KeyObject, r: SignableRecord): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const data = Buffer.from(canonicalRecordString(r), 'utf8');
  return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/**
 * True iff `signature` is the canonical base64url encoding of a valid signature of `r`.
 * Never throws on a malformed signature (returns false); a malformed key or record throws.
 */
export function verifyRecord(publicKey: string | KeyObject, r: SignableRecord, signature: string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const data = Buffer.from(canonicalRecordString(r), 'utf8');
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  // One string per signature: reject non-canonical encodings (stray low bits in the last char).
  if (bytes.toString('base64url') !== signature) return false;
  try {
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

/** A record too malformed to canonicalise cannot carry a valid signature. */
function verifiesSafely(key: KeyObject, rec: SignedRecord): boolean {
  try {
    return verifyRecord(key, rec, rec.signature);
  } catch {
    return false;
  }
}

/**
 * Checks a contiguous run of one chain, in order. Reports the first broken record:
 * - gap: its number is not the previous number + 1 (or the first number is not a positive integer);
 * - prev_mismatch: its prevSignature is not the previous record's signature
 *   (for record number 1: not GENESIS_SIGNATURE);
 * - bad_signature: its signature does not verify (or the record is too malformed to canonicalise).
 * A run starting after 1 cannot check its first prevSignature (the predecessor is not given).
 */
export function verifyChain(records: readonly SignedRecord[], publicKey: string | KeyObject): ChainCheck {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  let prev: SignedRecord | undefined;
  for (const rec of records) {
    if (prev === undefined) {
      if (!Number.isSafeInteger(rec.number) || rec.number < 1) return { ok: false, number: rec.number, reason: 'gap' };
      if (rec.number === 1 && rec.prevSignature !== GENESIS_SIGNATURE) {
        return { ok: false, number: rec.number, reason: 'prev_mismatch' };
      }
    } else {
      if (rec.number !== prev.number + 1) return { ok: false, number: rec.number, reason: 'gap' };
      if (rec.prevSignature !== prev.signature) return { ok: false, number: rec.number, reason: 'prev_mismatch' };
    }
    if (!verifiesSafely(key, rec)) return { ok: false, number: rec.number, reason: 'bad_signature' };
    prev = rec;
  }
  return { ok: true };
}
