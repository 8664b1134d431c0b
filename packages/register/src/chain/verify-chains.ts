import type Database from 'better-sqlite3';
import { openSqliteFile } from '@comptoir/db';
import { reportChain, type ChainReport } from '@comptoir/domain';
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
function reportRegisterChains(db: Database.Database): ChainReport[] {
  const meta = db.prepare('SELECT register_id, public_key_pem FROM register_meta WHERE id = 1').get() as
    | { register_id: string | null; public_key_pem: string | null }
    | undefined;
  if (!meta?.register_id || !meta.public_key_pem) return [];
  const registerId = meta.register_id;
  const keys = localKeys(db);
  const anchors = chainAnchors(db);
  const chains = (db.prepare('SELECT DISTINCT chain FROM records ORDER BY chain').all() as { chain: string }[]).map((r) => r.chain);
  const byChain = db.prepare('SELECT * FROM records WHERE chain = ? ORDER BY number');
  return chains.map((chain) =>
    reportChain(
      registerId,
      chain,
      (byChain.all(chain) as RecordRow[]).map((r) => toSignedRecord(registerId, r)),
      keys.length > 0 ? keys : meta.public_key_pem!,
      anchors.get(chain),
    ),
  );
}

/**
 * The chain self-check at start (NF525 JET): every chain re-verified; each broken one is a signed
 * `chain_check_failure` event, and nothing is blocked (what is signed stays; selling goes on).
 */
export function selfCheckChains(ctx: RegisterContext): ChainReport[] {
  const reports = reportRegisterChains(ctx.sqlite);
  for (const r of reports.filter((x) => !x.ok)) {
    ctx.logger.error({ chain: r.chain, records: r.records, problem: r.problem }, 'chain self-check: chain broken');
    writeEvent(ctx, 'chain_check_failure', { chain: r.chain, records: r.records, problem: (r.problem ?? '').slice(0, 200) });
  }
  return reports;
}
