import { openDatabase } from '@comptoir/db';
import { reportChain, type ChainReport, type SignedRecord } from '@comptoir/domain';
import type { CentralDb } from '../../db/schema';
import { registerKeys } from '../registers/register-keys.service';

/**
 * `comptoir verify` on a central database (SQLite path or postgres:// URL): re-checks every stored
 * chain of every register from record 1 — gapless numbers, prevSignature links, signatures under the
 * key valid at its position (rotation, replaced till). Read-only.
 */
export async function verifyCentralChains(location: string): Promise<ChainReport[]> {
  const opened = openDatabase<CentralDb>(location);
  try {
    const db = opened.db;
    const registers = await db.selectFrom('registers').select(['id', 'public_key_pem']).orderBy('id').execute();
    const reports: ChainReport[] = [];
    for (const reg of registers) {
      // Every key the register ever had, oldest first, each with its validity by position (a
      // database before key history: its one key).
      const keys = await registerKeys({ db }, reg.id);
      const chains = await db.selectFrom('records').select('chain').distinct().where('register_id', '=', reg.id).orderBy('chain').execute();
      for (const { chain } of chains) {
        const rows = await db
          .selectFrom('records')
          .select(['number', 'recorded_at', 'payload', 'prev_signature', 'signature', 'key_id'])
          .where('register_id', '=', reg.id)
          .where('chain', '=', chain)
          .orderBy('number')
          .execute();
        if (!reg.public_key_pem) {
          reports.push({ registerId: reg.id, chain, records: rows.length, ok: false, problem: 'register has no public key' });
          continue;
        }
        const records: SignedRecord[] = rows.map((r) => ({
          registerId: reg.id,
          chain,
          number: Number(r.number),
          recordedAt: r.recorded_at,
          payload: JSON.parse(r.payload) as unknown,
          prevSignature: r.prev_signature,
          signature: r.signature,
          ...(r.key_id ? { keyId: r.key_id } : {}),
        }));
        reports.push(reportChain(reg.id, chain, records, keys.length > 0 ? keys : reg.public_key_pem));
      }
    }
    return reports;
  } finally {
    await opened.close();
  }
}
