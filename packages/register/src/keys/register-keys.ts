import type Database from 'better-sqlite3';
import type { ChainAnchor, ChainHeads, RegisterKey } from '@comptoir/domain';

// The register's own record of its keys (issue 10) and of where its chains start: what the local
// verifiers (`comptoir verify --data`, the self-check at start) and the archive take. A key signs,
// per chain, the numbers after `start_after` up to `end_at` (JSON {chain: number}; null: from 1 /
// still current). A replaced till's chains start after the anchors central gave at enrolment.

export type LocalKey = RegisterKey & { keyId: string; publicKeyPem: string; startAfter: ChainHeads | null; endAt: ChainHeads | null };

const heads = (json: string | null): ChainHeads | null => (json ? (JSON.parse(json) as ChainHeads) : null);

/** A database not migrated yet (`comptoir verify` opens files read-only, as found) has no key history. */
const hasTable = (db: Database.Database, name: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** Every key this register had, oldest first (a database from before key history: none; then the meta key). */
export function localKeys(db: Database.Database): LocalKey[] {
  if (!hasTable(db, 'register_keys')) return [];
  const rows = db.prepare('SELECT key_id, public_key_pem, start_after, end_at FROM register_keys ORDER BY valid_from, key_id').all() as {
    key_id: string;
    public_key_pem: string;
    start_after: string | null;
    end_at: string | null;
  }[];
  return rows.map((r) => ({ keyId: r.key_id, publicKeyPem: r.public_key_pem, publicKey: r.public_key_pem, startAfter: heads(r.start_after), endAt: heads(r.end_at) }));
}

/** Per chain, the head this till's chain continues from (only on a replaced till). */
export function chainAnchors(db: Database.Database): Map<string, ChainAnchor> {
  if (!hasTable(db, 'chain_anchors')) return new Map();
  const rows = db.prepare('SELECT chain, number, signature FROM chain_anchors').all() as { chain: string; number: number; signature: string }[];
  return new Map(rows.map((r) => [r.chain, { number: r.number, signature: r.signature }]));
}

/** Per chain, its last number on this till (or its anchor's), for a key's start or end. */
export function currentHeads(db: Database.Database): Record<string, number> {
  const rows = db
    .prepare('SELECT chain, max(number) AS number FROM (SELECT chain, number FROM records UNION ALL SELECT chain, number FROM chain_anchors) GROUP BY chain')
    .all() as { chain: string; number: number }[];
  return Object.fromEntries(rows.map((r) => [r.chain, r.number]));
}

/** Adds a key, valid after `startAfter`. */
export function addLocalKey(db: Database.Database, publicKeyPem: string, keyId: string, validFrom: string, startAfter: ChainHeads | null): void {
  db.prepare('INSERT OR IGNORE INTO register_keys (key_id, public_key_pem, valid_from, start_after) VALUES (?, ?, ?, ?)').run(
    keyId,
    publicKeyPem,
    validFrom,
    startAfter ? JSON.stringify(startAfter) : null,
  );
}

/** Retires a key at `endAt`. */
export function retireLocalKey(db: Database.Database, keyId: string, endAt: ChainHeads, at: string): void {
  db.prepare('UPDATE register_keys SET end_at = ?, valid_to = ? WHERE key_id = ? AND end_at IS NULL').run(JSON.stringify(endAt), at, keyId);
}
