import type { Ctx } from '../../context';
import { verifyKeptFile } from './partition-purge.service';

// Records of purged months as the archives the purge verified hold them (PostgreSQL; §22).
// A purge drops a month only once every record it holds is in a register's archive whose file
// central keeps and verifies; those files outlive the purge (archive_files), and partition_purges
// names each one with its SHA-256. What was dropped can thus still be told, record by record:
// `comptoir verify` anchors a chain's first record still held on the one before it, and the ingest
// recognises a restored till's re-push of a purged record as already integrated.

/** An archive a purge verified. */
export type PurgeArchive = { number: number; periodKey: string; sha256: string };
/** A purged record as a verified archive holds it. */
export type PurgedRecord = { signature: string; archive: PurgeArchive };

/** The archives the purges verified for `registerId` (partition_purges), each once. */
export async function archivesOfPurges(ctx: Pick<Ctx, 'db'>, registerId: string): Promise<PurgeArchive[]> {
  const out = new Map<string, PurgeArchive>();
  for (const p of await ctx.db.selectFrom('partition_purges').select('verified_archives').orderBy('month').execute()) {
    for (const a of JSON.parse(p.verified_archives) as (PurgeArchive & { registerId: string })[]) {
      if (a.registerId === registerId) out.set(`${a.number}#${a.sha256}`, { number: a.number, periodKey: a.periodKey, sha256: a.sha256 });
    }
  }
  return [...out.values()];
}

/**
 * The records `wanted` (chain → numbers) of `registerId` as the purges' verified archives hold
 * them: each archive's kept file verified again now (on its own, the file of that archive record,
 * under keys central registered) and the very bytes the purge verified (same SHA-256). A number no
 * such archive holds is absent from the answer. PostgreSQL only (partition_purges).
 */
export async function purgedRecords(ctx: Pick<Ctx, 'db'>, registerId: string, wanted: ReadonlyMap<string, readonly number[]>): Promise<Map<string, Map<number, PurgedRecord>>> {
  const found = new Map<string, Map<number, PurgedRecord>>();
  const left = () => [...wanted].some(([chain, numbers]) => numbers.some((n) => !found.get(chain)?.has(n)));
  for (const archive of await archivesOfPurges(ctx, registerId)) {
    if (!left()) break;
    const record = await ctx.db
      .selectFrom('records')
      .select('signature')
      .where('register_id', '=', registerId)
      .where('chain', '=', 'archive')
      .where('number', '=', archive.number)
      .executeTakeFirst();
    if (!record) continue;
    const check = await verifyKeptFile(ctx, registerId, archive.number, record.signature);
    if (!check.ok || check.sha256 !== archive.sha256) continue;
    for (const r of check.file.signed) {
      if (!wanted.get(r.chain)?.includes(r.number)) continue;
      const held = found.get(r.chain) ?? new Map<number, PurgedRecord>();
      if (!held.has(r.number)) held.set(r.number, { signature: r.signature, archive });
      found.set(r.chain, held);
    }
  }
  return found;
}
