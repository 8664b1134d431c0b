import type Database from 'better-sqlite3';
import { openSqliteFile } from '@comptoir/db';
import { reportChain, type ChainAnchor, type ChainReport } from '@comptoir/domain';
import type { RegisterContext } from '../context';
import type { RecordRow } from '../db/statements';
import { toSignedRecord, writeEvent } from './record-chain';
import { chainAnchors, localKeys } from '../keys/register-keys';

/**
 * `comptoir verify` on a register database: every chain must be gapless from 1, each record chained
 * to the previous signature and signed by the key valid at its position. Opens the file read-only.
 */
export async function verifyRegisterChains(file: string): Promise<ChainReport[]> {
  const db = openSqliteFile(file, { readonly: true });
  try {
    return reportRegisterChains(db);
  } finally {
    db.close();
  }
}

/**
 * One report per chain of an open register database (none before enrolment): each record under the
 * key valid at its position (every key the register had, with its validity), each chain from 1 or,
 * on a replaced till, from the head it continued.
 */
function reportRegisterChains(db: Database.Database, verified: Map<string, ChainAnchor> = new Map()): ChainReport[] {
  const meta = db.prepare('SELECT register_id, public_key_pem FROM register_meta WHERE id = 1').get() as
    | { register_id: string | null; public_key_pem: string | null }
    | undefined;
  if (!meta?.register_id || !meta.public_key_pem) return [];
  const registerId = meta.register_id;
  const keys = localKeys(db);
  const anchors = chainAnchors(db);
  const chains = (db.prepare('SELECT DISTINCT chain FROM records ORDER BY chain').all() as { chain: string }[]).map((r) => r.chain);
  const after = db.prepare('SELECT * FROM records WHERE chain = ? AND number > ? ORDER BY number');
  const at = db.prepare('SELECT signature FROM records WHERE chain = ? AND number = ?');
  return chains.map((chain) => {
    // From the head verified last time (its record must still carry the signature then verified), else from the start.
    const head = verified.get(chain);
    if (head && (at.get(chain, head.number) as { signature: string } | undefined)?.signature !== head.signature) {
      return { registerId, chain, records: head.number, ok: false, problem: `record ${head.number}: changed since it was verified` };
    }
    const from = head ?? anchors.get(chain);
    return reportChain(
      registerId,
      chain,
      (after.all(chain, from?.number ?? 0) as RecordRow[]).map((r) => toSignedRecord(registerId, r)),
      keys.length > 0 ? keys : meta.public_key_pem!,
      from,
    );
  });
}

/**
 * The chain self-check at start (NF525 JET): every chain verified from the head the previous check
 * verified (`chain_checks`: its record must still carry that signature) to its head, which is then
 * recorded; each broken chain is a signed `chain_check_failure` event (its verified head stays
 * where it was), and nothing is blocked. The full check from record 1 stays `comptoir verify`.
 */
export function selfCheckChains(ctx: RegisterContext): ChainReport[] {
  const verified = new Map(
    (ctx.sqlite.prepare('SELECT chain, number, signature FROM chain_checks').all() as { chain: string; number: number; signature: string }[]).map((r) => [
      r.chain,
      { number: r.number, signature: r.signature },
    ]),
  );
  const reports = reportRegisterChains(ctx.sqlite, verified);
  const remember = ctx.sqlite.prepare(
    `INSERT INTO chain_checks (chain, number, signature, checked_at)
     SELECT chain, number, signature, ? FROM records WHERE chain = ? ORDER BY number DESC LIMIT 1
     ON CONFLICT (chain) DO UPDATE SET number = excluded.number, signature = excluded.signature, checked_at = excluded.checked_at`,
  );
  for (const r of reports) {
    if (r.ok) remember.run(ctx.now().toISOString(), r.chain);
    else {
      ctx.logger.error({ chain: r.chain, records: r.records, problem: r.problem }, 'chain self-check: chain broken');
      writeEvent(ctx, 'chain_check_failure', { chain: r.chain, records: r.records, problem: (r.problem ?? '').slice(0, 200) });
    }
  }
  return reports;
}
