import { openSqliteFile } from '@comptoir/db';
import { reportChain, type ChainReport } from '@comptoir/domain';
import type { RecordRow } from '../db/statements';
import { toSignedRecord } from './record-chain';

/**
 * `comptoir verify` on a register database: every chain must be gapless from 1, each record chained
 * to the previous signature and signed by the register's key. Opens the file read-only.
 */
export async function verifyRegisterChains(file: string): Promise<ChainReport[]> {
  const db = openSqliteFile(file, { readonly: true });
  try {
    const meta = db.prepare('SELECT register_id, public_key_pem FROM register_meta WHERE id = 1').get() as
      | { register_id: string | null; public_key_pem: string | null }
      | undefined;
    if (!meta?.register_id || !meta.public_key_pem) return [];
    const chains = (db.prepare('SELECT DISTINCT chain FROM records ORDER BY chain').all() as { chain: string }[]).map((r) => r.chain);
    const byChain = db.prepare('SELECT * FROM records WHERE chain = ? ORDER BY number');
    return chains.map((chain) =>
      reportChain(
        meta.register_id!,
        chain,
        (byChain.all(chain) as RecordRow[]).map((r) => toSignedRecord(meta.register_id!, r)),
        meta.public_key_pem!,
      ),
    );
  } finally {
    db.close();
  }
}
