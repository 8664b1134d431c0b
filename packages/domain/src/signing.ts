import canonicalize from 'canonicalize';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  KeyObject,
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
  /**
   * The signing key's id (`keyIdOf`), signed with the record. Records signed before keys had ids
   * (issue 10) have none: their canonical string is the six fields, as it always was.
   */
  keyId?: string;
};

export type SignedRecord = SignableRecord & { signature: string };

export type ChainCheck =
  | { ok: true }
  | { ok: false; number: number; reason: 'gap' | 'prev_mismatch' | 'bad_signature' }
  /** Signed by a key of the register, but outside that key's validity (before its start, after its end). */
  | { ok: false; number: number; reason: 'key_not_valid'; keyId: string; detail: string };

export type SigningKeyPair = { privateKeyPem: string; publicKeyPem: string };

/** P-256 IEEE-P1363 signatures are r‖s, 32 bytes each: 86 base64url characters without padding. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

const KEY_ID_PATTERN = /^[0-9a-f]{64}$/;
const keyIds = new WeakMap<KeyObject, string>();

/** A key's id: lowercase hex SHA-256 of its DER SubjectPublicKeyInfo (the same for a private key and its public key). */
export function keyIdOf(key: string | KeyObject): string {
  const k = typeof key === 'string' ? (key.includes('PRIVATE') ? createPublicKey(createPrivateKey(key)) : createPublicKey(key)) : key;
  const pub = k.type === 'private' ? createPublicKey(k) : k;
  let id = keyIds.get(k);
  if (!id) {
    id = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
    keyIds.set(k, id);
  }
  return id;
}

/**
 * RFC 8785 canonical JSON of exactly the signed fields (sorted keys, no whitespace): the six fields,
 * plus `keyId` when the record has one. Any other property of `r` (e.g. `signature`) is ignored.
 * Throws on a malformed record (non-string field, number not a positive safe integer, payload not
 * JSON-serialisable, keyId not 64 lowercase hex digits).
 */
export function canonicalRecordString(r: SignableRecord): string {
  const { registerId, chain, number, recordedAt, payload, prevSignature, keyId } = r;
  if (keyId !== undefined && (typeof keyId !== 'string' || !KEY_ID_PATTERN.test(keyId))) {
    throw new TypeError('canonicalRecordString: keyId must be 64 lowercase hex digits');
  }
  for (const [name, v] of Object.entries({ registerId, chain, recordedAt, prevSignature })) {
    if (typeof v !== 'string') throw new TypeError(`canonicalRecordString: ${name} must be a string`);
  }
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new TypeError(`canonicalRecordString: number must be a positive integer (got ${number})`);
  }
  if (payload === undefined) throw new TypeError('canonicalRecordString: payload is required');
  const s = canonicalize(
    keyId === undefined ? { registerId, chain, number, recordedAt, payload, prevSignature } : { registerId, chain, number, recordedAt, payload, prevSignature, keyId },
  );
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
 * True iff `signature` is the canonical base64url encoding of a valid signature of `r` and, when `r`
 * names its key, `publicKey` is that key. Never throws on a malformed signature (returns false); a
 * malformed key or record throws.
 */
export function verifyRecord(publicKey: string | KeyObject, r: SignableRecord, signature: string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const data = Buffer.from(canonicalRecordString(r), 'utf8');
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) return false;
  if (r.keyId !== undefined && r.keyId !== keyIdOf(key)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  // One string per signature: reject non-canonical encodings (stray low bits in the last char).
  if (bytes.toString('base64url') !== signature) return false;
  try {
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

/**
 * A key's validity, by position (issue 10: rotation, replaced till): per chain, the key signs the
 * numbers after `startAfter[chain]` (0 when absent) up to `endAt[chain]` (absent map: the key is
 * still current; a chain absent from the map: the key signed none of it). `startAfter` of a key is
 * the `endAt` of the key before it: the chain heads at the change.
 */
export type ChainHeads = Readonly<Record<string, number>>;
export type RegisterKey = { publicKey: string | KeyObject; startAfter?: ChainHeads | null; endAt?: ChainHeads | null };

/** One key, or every key a register had (oldest first: a record without a keyId is the oldest key's). */
export type PublicKeys = string | KeyObject | readonly (string | KeyObject | RegisterKey)[];

type ResolvedKey = { key: KeyObject; keyId: string; startAfter: ChainHeads | null; endAt: ChainHeads | null };

function resolveKeys(keys: PublicKeys): ResolvedKey[] {
  const list = (Array.isArray(keys) ? keys : [keys]) as readonly (string | KeyObject | RegisterKey)[];
  return list.map((k) => {
    const entry: RegisterKey = typeof k === 'string' || isKeyObject(k) ? { publicKey: k } : k;
    const key = typeof entry.publicKey === 'string' ? createPublicKey(entry.publicKey) : entry.publicKey;
    return { key, keyId: keyIdOf(key), startAfter: entry.startAfter ?? null, endAt: entry.endAt ?? null };
  });
}

function isKeyObject(k: unknown): k is KeyObject {
  return k instanceof KeyObject;
}

/** The key a record names (by its keyId) among `keys`; undefined when it names none of them. */
export function keyResolver(keys: PublicKeys): (keyId: string | undefined) => KeyObject | undefined {
  const parsed = resolveKeys(keys);
  return (keyId) => (keyId === undefined ? parsed[0] : parsed.find((k) => k.keyId === keyId))?.key;
}

/** Why record `number` of `chain` lies outside the validity of `k`, or null when the key may sign it. */
export function keyValidityProblem(k: { startAfter?: ChainHeads | null; endAt?: ChainHeads | null }, chain: string, number: number): string | null {
  const start = k.startAfter?.[chain] ?? 0;
  if (number <= start) return `the key starts after record ${start} of this chain`;
  if (k.endAt) {
    const end = k.endAt[chain] ?? 0;
    if (number > end) return `the key was retired after record ${end} of this chain`;
  }
  return null;
}

/** A record too malformed to canonicalise cannot carry a valid signature; nor one naming an unknown key. */
function verifiesSafely(key: KeyObject | undefined, rec: SignedRecord): boolean {
  if (!key) return false;
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
 * - bad_signature: its signature does not verify under the key it names (or the record is too malformed
 *   to canonicalise, or names a key not in `publicKeys`).
 * A run starting after 1 cannot check its first prevSignature (the predecessor is not given).
 */
export function verifyChain(records: readonly SignedRecord[], publicKeys: PublicKeys): ChainCheck {
  const keys = resolveKeys(publicKeys);
  const keyOf = (keyId: string | undefined) => (keyId === undefined ? keys[0] : keys.find((k) => k.keyId === keyId));
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
    const k = keyOf(rec.keyId);
    if (!verifiesSafely(k?.key, rec)) return { ok: false, number: rec.number, reason: 'bad_signature' };
    const problem = keyValidityProblem(k!, rec.chain, rec.number);
    if (problem) return { ok: false, number: rec.number, reason: 'key_not_valid', keyId: k!.keyId, detail: problem };
    prev = rec;
  }
  return { ok: true };
}
