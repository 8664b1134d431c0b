import { openDatabase } from '@comptoir/db';
import { reportChain, type ChainReport, type SignedRecord } from '@comptoir/domain';
import type { CentralDb } from '../../db/schema';
import { purgedRecords } from '../partitions/purged-records.service';
import { registerKeys } from '../registers/register-keys.service';

/**
 * `comptoir verify` on a central database (SQLite path or postgres:// URL): re-checks every stored
 * chain of every register — gapless numbers, prevSignature links, signatures under the key valid at
 * its position (rotation, replaced till) — from record 1, or, for a chain whose first months were
 * purged (PostgreSQL, docs/architecture.md §22), from its first record still held, anchored by the
 * last record before it as a verified archive of that purge holds it. Read-only.
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
        const first = records[0]?.number ?? 1;
        // A chain held from N > 1 on PostgreSQL: its months before N purged? Anchored on record N − 1
        // as the purge's verified archive holds it; otherwise it fails as not starting at 1.
        const purged = first > 1 && opened.dialect === 'postgres' ? (await purgedRecords({ db }, reg.id, new Map([[chain, [first - 1]]]))).get(chain)?.get(first - 1) : undefined;
        const anchor = purged ? { number: first - 1, signature: purged.signature } : undefined;
        const report = reportChain(reg.id, chain, records, keys.length > 0 ? keys : reg.public_key_pem, anchor);
        if (purged) report.note = `purged up to ${first - 1}, anchored by archive ${purged.archive.number} (${purged.archive.periodKey})`;
        reports.push(report);
      }
    }
    return reports;
  } finally {
    await opened.close();
  }
}
