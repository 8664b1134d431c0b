import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { keyIdOf, verifyChain, verifyRecord, type ChainHeads, type PublicKeys, type RegisterKey, type SignedRecord } from './signing';

// NF525 archives (docs/architecture.md §6): a register archives each closed month. The `archive` record it signs
// names the records archived (per chain, a range of numbers following the previous archive) and the
// SHA-256 of their text. That text is deterministic (one canonical JSON line per signed record), so
// the register and the central server, holding the same records, produce the same file byte for
// byte, and anyone with the file can check it years later without Comptoir's databases.

export const ARCHIVE_FORMAT = 'comptoir-archive/1';

/** Records `from`..`to` of a chain; `prevSignature` is the signature of record `from` − 1 (the link to the previous archive). */
export type ArchiveRange = { chain: string; from: number; to: number; prevSignature: string };

/** One RFC 8785 canonical JSON line per signed record (its seven fields, eight with its keyId), in the order given. */
export function archiveBody(records: readonly SignedRecord[]): string {
  return records
    .map(({ registerId, chain, number, recordedAt, payload, prevSignature, signature, keyId }) =>
      canonicalize(
        keyId === undefined
          ? { registerId, chain, number, recordedAt, payload, prevSignature, signature }
          : { registerId, chain, number, recordedAt, payload, prevSignature, signature, keyId },
      ),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** SHA-256 of the archive body, lowercase hex. */
export function archiveDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * The file: a header line (format, register, the public key that signed the archive record, the
 * signed archive record; when the archive names its keys, `publicKeys`: their public keys in that
 * order), then the body.
 */
export function archiveFile(header: { registerId: string; publicKeyPem: string; archive: SignedRecord; publicKeys?: readonly string[] }, body: string): string {
  return `${canonicalize({ format: ARCHIVE_FORMAT, ...header })}\n${body}`;
}

/** The keys an archive record names (`payload.keys`, signed), each with its validity; none on archives from before key rotation. */
type ArchiveKey = { keyId: string; startAfter: ChainHeads | null; endAt: ChainHeads | null };

/**
 * The header keys of an archive's file: the public key of the key that signed the archive record
 * and, when it names its keys, each one's public key. `pemOf` finds a key's public key by its id.
 */
export function archiveHeaderKeys(archive: SignedRecord, fallbackPem: string, pemOf: (keyId: string) => string | undefined): { publicKeyPem: string; publicKeys?: string[] } {
  const keys = (archive.payload as { keys?: ArchiveKey[] }).keys;
  const publicKeyPem = (archive.keyId && pemOf(archive.keyId)) || fallbackPem;
  if (!keys) return { publicKeyPem };
  return { publicKeyPem, publicKeys: keys.map((k) => pemOf(k.keyId) ?? '') };
}

/** SHA-256 of the public key (SPKI DER), hex: what an auditor compares with the key registered centrally (= keyIdOf). */
export function keyFingerprint(key: KeyObject): string {
  return keyIdOf(key);
}

export type ArchiveKind = 'month' | 'year';

/** An archive's kind, from its period: a fiscal year is named YYYY, a month YYYY-MM. */
export function archiveKindOf(periodKey: string): ArchiveKind {
  return /^\d{4}$/.test(periodKey) ? 'year' : 'month';
}

export type ArchiveIdentity = { siret?: string; storeId?: string; storeName?: string; softwareVersion?: string };

function identityOf(payload: Record<string, unknown>): ArchiveIdentity {
  const out: ArchiveIdentity = {};
  for (const k of ['siret', 'storeId', 'storeName', 'softwareVersion'] as const) if (typeof payload[k] === 'string') out[k] = payload[k];
  return out;
}

/** The last record of one archived range: what the next archive's range of that chain must follow. */
export type ArchiveHead = { chain: string; number: number; signature: string };

export type ArchiveCheck =
  | {
      ok: true;
      registerId: string;
      periodKey: string;
      /** A month archive (YYYY-MM) or a fiscal-year archive (YYYY). */
      kind: ArchiveKind;
      /** Who archived, as the archive record signed it (absent on archives from before issue 10 item 6). */
      identity: ArchiveIdentity;
      records: number;
      ranges: ArchiveRange[];
      keyFingerprint: string;
      /** Every key id the file's signatures are under (the header key's, and every record's keyId). */
      keyIds: string[];
      /** The signed archive record itself (its number and signature chain the archives together). */
      archive: SignedRecord;
      /** The archived records, verified (what the closures are recomputed from). */
      signed: SignedRecord[];
      heads: ArchiveHead[];
    }
  | { ok: false; reason: string; keyFingerprint?: string };

/**
 * Checks an archive file on its own: the archive record's signature under the key in the header;
 * the body's SHA-256 against the one it signed; the body holds exactly the records of its ranges, in
 * order, of that register; each range is a valid chain run (numbers, previous-signature links,
 * signatures). The key itself is only as good as its fingerprint matches the registered one.
 */
export function verifyArchive(text: string): ArchiveCheck {
  const newline = text.indexOf('\n');
  if (newline < 0) return { ok: false, reason: 'no header line' };
  let header: { format?: unknown; registerId?: unknown; publicKeyPem?: unknown; archive?: SignedRecord; publicKeys?: unknown };
  try {
    header = JSON.parse(text.slice(0, newline)) as typeof header;
  } catch {
    return { ok: false, reason: 'header is not JSON' };
  }
  if (header.format !== ARCHIVE_FORMAT) return { ok: false, reason: `unknown format ${String(header.format)}` };
  if (typeof header.registerId !== 'string' || typeof header.publicKeyPem !== 'string' || !header.archive) {
    return { ok: false, reason: 'header lacks registerId, publicKeyPem or archive' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(header.publicKeyPem);
  } catch {
    return { ok: false, reason: 'public key unreadable' };
  }
  const fingerprint = keyFingerprint(key);
  const fail = (reason: string): ArchiveCheck => ({ ok: false, reason, keyFingerprint: fingerprint });
  const archive = header.archive;
  const payload = archive.payload as { type?: unknown; periodKey?: unknown; ranges?: unknown; recordCount?: unknown; sha256?: unknown; keys?: unknown } | null;
  if (archive.chain !== 'archive' || archive.registerId !== header.registerId || payload?.type !== 'archive') return fail('the header does not hold an archive record of this register');
  let signed = false;
  try {
    signed = verifyRecord(key, archive, archive.signature);
  } catch {
    signed = false;
  }
  if (!signed) return fail('the archive record signature does not verify');
  const body = text.slice(newline + 1);
  if (archiveDigest(body) !== payload.sha256) return fail('the body does not match the signed SHA-256');
  // The keys with their validity by position, as the archive record signed them (rotation, replaced
  // till); their public keys are in the header, each checked against the signed key id.
  let keys: PublicKeys = key;
  if (payload.keys !== undefined) {
    const named = payload.keys as ArchiveKey[];
    const pems = header.publicKeys;
    if (!Array.isArray(named) || !Array.isArray(pems) || pems.length !== named.length) return fail('the header does not give the public key of every key the archive names');
    const list: RegisterKey[] = [];
    for (const [i, k] of named.entries()) {
      let pub: KeyObject;
      try {
        pub = createPublicKey(String(pems[i]));
      } catch {
        return fail(`public key of key ${String(k?.keyId)} unreadable`);
      }
      if (keyIdOf(pub) !== k?.keyId) return fail(`the header's public key ${i + 1} is not key ${String(k?.keyId)}`);
      list.push({ publicKey: pub, startAfter: k.startAfter, endAt: k.endAt });
    }
    keys = list;
  }

  const ranges = payload.ranges;
  const wellFormed = (r: unknown): r is ArchiveRange => {
    const x = r as Partial<ArchiveRange> | null;
    return x !== null && typeof x === 'object' && typeof x.chain === 'string' && typeof x.prevSignature === 'string' &&
      Number.isSafeInteger(x.from) && Number.isSafeInteger(x.to) && x.from! >= 1 && x.to! >= x.from!;
  };
  if (!Array.isArray(ranges) || !ranges.every(wellFormed)) return fail('the archive record names malformed ranges');
  const lines = body.split('\n').filter((l) => l.length > 0);
  if (lines.length !== payload.recordCount) return fail(`${lines.length} records, the archive says ${String(payload.recordCount)}`);
  let records: SignedRecord[];
  try {
    records = lines.map((l) => JSON.parse(l) as SignedRecord);
  } catch {
    return fail('a record line is not JSON');
  }
  if (!records.every((r) => r !== null && typeof r === 'object')) return fail('a record line is not an object');
  let at = 0;
  const heads: ArchiveHead[] = [];
  for (const range of ranges) {
    const run = records.slice(at, at + (range.to - range.from + 1));
    at += run.length;
    for (const [i, r] of run.entries()) {
      if (r.registerId !== header.registerId || r.chain !== range.chain || r.number !== range.from + i) {
        return fail(`expected ${range.chain} #${range.from + i}, found ${String(r.chain)} #${String(r.number)}`);
      }
    }
    if (run.length !== range.to - range.from + 1) return fail(`range ${range.chain} ${range.from}..${range.to} is incomplete`);
    if (run[0]!.prevSignature !== range.prevSignature) return fail(`chain ${range.chain}: record ${range.from} does not follow the previous archive`);
    const check = verifyChain(run, keys);
    if (!check.ok) {
      const why = check.reason === 'key_not_valid' ? `signed with key ${check.keyId} outside its validity (${check.detail})` : check.reason;
      return fail(`chain ${range.chain}: record ${check.number}: ${why}`);
    }
    const last = run[run.length - 1]!;
    heads.push({ chain: range.chain, number: last.number, signature: last.signature });
  }
  if (at !== records.length) return fail('records outside the archived ranges');
  // A fiscal-year archive holds the archive records since the previous one: the last of them is the one its own record follows.
  const inner = heads.find((h) => h.chain === 'archive');
  if (inner && (archive.number !== inner.number + 1 || archive.prevSignature !== inner.signature)) {
    return fail(`the archive record ${archive.number} does not follow the last archive record it holds (${inner.number})`);
  }
  // Every key id a signature of the file is under (the archive record's key, and every record's).
  const oldest = Array.isArray(keys) ? keyIdOf((keys[0] as RegisterKey).publicKey) : fingerprint;
  const keyIds = [...new Set([fingerprint, ...records.map((r) => r.keyId ?? oldest)])];
  return {
    ok: true,
    registerId: header.registerId,
    periodKey: String(payload.periodKey),
    kind: archiveKindOf(String(payload.periodKey)),
    identity: identityOf(payload as Record<string, unknown>),
    records: records.length,
    ranges,
    keyFingerprint: fingerprint,
    keyIds,
    archive,
    signed: records,
    heads,
  };
}

export type ArchiveSequenceCheck = { ok: true } | { ok: false; reason: string };

/**
 * Continuity of archives given in order (each already checked by `verifyArchive`): one register;
 * the `archive` chain unbroken across the files: each archive record the next one (number + 1,
 * previous signature = the previous file's archive record's signature), or, for a fiscal-year
 * archive, the archive records it holds start right after the previous file's (so two fiscal-year
 * archives follow each other directly; two month archives on either side of a fiscal-year archive
 * need that archive between them); each range of a chain starting right after that chain's last
 * record in the earlier files of the same kind (month archives after months, fiscal years after
 * fiscal years: number + 1, same signature). A chain no earlier file of its kind holds is linked
 * through the archive chain only.
 */
export function verifyArchiveSequence(archives: readonly Extract<ArchiveCheck, { ok: true }>[]): ArchiveSequenceCheck {
  const headsOf = new Map<ArchiveKind, Map<string, ArchiveHead>>([['month', new Map()], ['year', new Map()]]);
  let previous: Extract<ArchiveCheck, { ok: true }> | undefined;
  for (const a of archives) {
    const heads = headsOf.get(a.kind)!;
    if (previous) {
      const label = `archive ${a.periodKey} after ${previous.periodKey}`;
      if (a.registerId !== previous.registerId) return { ok: false, reason: `${label}: another register (${a.registerId}, not ${previous.registerId})` };
      const held = a.ranges.find((r) => r.chain === 'archive');
      if (a.archive.number === previous.archive.number + 1) {
        if (a.archive.prevSignature !== previous.archive.signature) return { ok: false, reason: `${label}: the archive record does not follow the previous one's signature` };
      } else if (!held || held.from !== previous.archive.number + 1) {
        return { ok: false, reason: `${label}: archive record ${a.archive.number} does not follow ${previous.archive.number} (give the archives between them, a fiscal-year archive included)` };
      } else if (held.prevSignature !== previous.archive.signature) {
        return { ok: false, reason: `${label}: the archive records it holds do not follow the previous archive record's signature` };
      }
      for (const r of a.ranges) {
        const head = heads.get(r.chain);
        if (!head || r.chain === 'archive') continue;
        if (r.from !== head.number + 1) return { ok: false, reason: `${label}: chain ${r.chain} starts at ${r.from}, the previous archive ends at ${head.number}` };
        if (r.prevSignature !== head.signature) return { ok: false, reason: `${label}: chain ${r.chain} record ${r.from} does not follow the previous archive's last signature` };
      }
    }
    for (const h of a.heads) heads.set(h.chain, h);
    previous = a;
  }
  return { ok: true };
}
