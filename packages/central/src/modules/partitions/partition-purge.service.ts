import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ComptoirError, type ArchivePayload, type PartitionsResponse, type PurgeResponse } from '@comptoir/protocol';
import { verifyArchive, type ArchiveCheck } from '@comptoir/domain';
import { nowIso, type Ctx } from '../../context';
import { monthOf, monthsWithPartitions, PARTITION_LOCK_KEY, PARTITIONED_TABLES, partitionName } from '../../db/month-partitions';
import { registerKeys } from '../registers/register-keys.service';

// Purge of old months (issue 13 item 6; docs/architecture.md §22), PostgreSQL only.
//
// Phases of one purge of the months before M:
//  1. no lock held: per register and chain, the numbers the months' `records` partitions hold (the
//     `archive` chain aside: its records are kept); for each, the register's archive records whose
//     ranges cover those numbers, without a hole; each such archive verified at central: the file
//     the register sent and central keeps (`archive_files`, migration 0020) verifies on its own
//     (the domain's `verifyArchive`), is the file of that very archive record (same number and
//     signature) and is signed under keys central registered for the register. A number no such
//     archive covers refuses the purge: 409 PURGE_NOT_ARCHIVED naming the month, register, chain
//     (reason `not_archived`, `archive_file_missing` or `archive_broken`). The kept files outlive
//     the purge, so a later purge verifies them again;
//  2. ONE transaction, under the partition advisory lock: the same numbers read again (a late push
//     may have added some: beyond what phase 1 verified is a 409 as well); each month's partition of
//     each table detached; the `archive` chain's records of the month re-inserted into `records`
//     (they land in DEFAULT) so central still lists and chains the archives; the partitions dropped;
//     the purge and the archives it verified (their files' SHA-256) written to partition_purges.
// Invariants: nothing is dropped that a verified archive does not hold; a refusal drops nothing.
// Dropping a partition is DDL, not a DELETE: the append-only triggers keep refusing row deletes.

type Span = { registerId: string; chain: string; lo: number; hi: number };
type VerifiedArchive = PurgeResponse['verifiedArchives'][number];

/** Per month held: records and tickets; and what DEFAULT holds. */
export async function listPartitions(ctx: Ctx): Promise<PartitionsResponse> {
  if (ctx.dialect !== 'postgres') return { partitioned: false, months: [], defaultRecords: 0 };
  const months = await monthsWithPartitions(ctx.db);
  const out: PartitionsResponse['months'] = [];
  for (const month of months) {
    const [records, tickets] = await Promise.all([countOf(ctx.db, partitionName('records', month)), countOf(ctx.db, partitionName('tickets', month))]);
    out.push({ month, records, tickets });
  }
  return { partitioned: true, months: out, defaultRecords: await countOf(ctx.db, 'records_default') };
}

async function countOf(db: Kysely<any>, table: string): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]!.n);
}

/** Numbers held per register and chain in the months' records partitions (the archive chain aside). */
async function spansOf(db: Kysely<any>, months: string[]): Promise<Span[]> {
  const union = sql.join(months.map((m) => sql`SELECT register_id, chain, number FROM ${sql.table(partitionName('records', m))}`), sql` UNION ALL `);
  const rows = await sql<{ register_id: string; chain: string; lo: string; hi: string }>`
    SELECT register_id, chain, min(number) AS lo, max(number) AS hi FROM (${union}) held
    WHERE chain <> 'archive' GROUP BY register_id, chain ORDER BY register_id, chain`.execute(db);
  return rows.rows.map((r) => ({ registerId: r.register_id, chain: r.chain, lo: Number(r.lo), hi: Number(r.hi) }));
}

async function monthOfRecord(ctx: Ctx, registerId: string, chain: string, number: number): Promise<string> {
  const r = await ctx.db.selectFrom('records').select('recorded_at').where('register_id', '=', registerId).where('chain', '=', chain).where('number', '=', number).executeTakeFirst();
  return (r && monthOf(r.recorded_at)) ?? '?';
}

export async function purgeMonths(ctx: Ctx, before: string): Promise<PurgeResponse> {
  if (ctx.dialect !== 'postgres') throw new ComptoirError('PURGE_UNSUPPORTED', 'This central (SQLite) keeps no monthly partitions');
  const current = monthOf(nowIso(ctx))!;
  if (before > current) throw new ComptoirError('VALIDATION', `Only months before the current one (${current}) can be purged`, { before, current });
  const months = (await monthsWithPartitions(ctx.db)).filter((m) => m < before);
  const empty: PurgeResponse = { purged: [], records: 0, tickets: 0, archiveRecordsKept: 0, verifiedArchives: [] };
  if (months.length === 0) return empty;

  // Phase 1: coverage by verified archives.
  const spans = await spansOf(ctx.db, months);
  const verified = new Map<string, VerifiedArchive>();
  const broken = new Map<string, { reason: 'archive_file_missing' | 'archive_broken'; problem: string }>();
  const coveredTo = new Map<string, number>();
  for (const span of spans) {
    const archives = (
      await ctx.db.selectFrom('records').select(['number', 'payload', 'signature']).where('register_id', '=', span.registerId).where('chain', '=', 'archive').orderBy('number').execute()
    ).map((r) => ({ number: Number(r.number), payload: JSON.parse(r.payload) as ArchivePayload, signature: r.signature }));
    let cursor = span.lo;
    while (cursor <= span.hi) {
      // The archives whose range of this chain holds `cursor`, reaching farthest first: the first that verifies is taken.
      const candidates = archives
        .flatMap((a) => a.payload.ranges.filter((r) => r.chain === span.chain && r.from <= cursor && cursor <= r.to).map((r) => ({ ...a, to: r.to })))
        .sort((x, y) => y.to - x.to);
      let taken: number | undefined;
      let problem: { reason: 'archive_file_missing' | 'archive_broken'; archiveNumber: number; problem: string } | undefined;
      for (const cand of candidates) {
        const key = `${span.registerId}#${cand.number}`;
        if (!verified.has(key) && !broken.has(key)) {
          const check = await verifyKeptFile(ctx, span.registerId, cand.number, cand.signature);
          if (check.ok) verified.set(key, { registerId: span.registerId, number: cand.number, periodKey: cand.payload.periodKey, sha256: check.sha256 });
          else broken.set(key, { reason: check.reason, problem: check.problem });
        }
        if (verified.has(key)) {
          taken = cand.to;
          break;
        }
        problem ??= { archiveNumber: cand.number, ...broken.get(key)! };
      }
      if (taken === undefined) {
        const month = await monthOfRecord(ctx, span.registerId, span.chain, cursor);
        const where = `Month ${month}: register ${span.registerId}'s ${span.chain} #${cursor}`;
        throw problem
          ? new ComptoirError('PURGE_NOT_ARCHIVED', `${where} is in no archive whose file central keeps and verifies`, { month, registerId: span.registerId, chain: span.chain, number: cursor, ...problem })
          : new ComptoirError('PURGE_NOT_ARCHIVED', `${where} is in no archive`, { month, registerId: span.registerId, chain: span.chain, number: cursor, reason: 'not_archived' });
      }
      cursor = taken + 1;
    }
    coveredTo.set(`${span.registerId}#${span.chain}`, cursor - 1);
  }

  // Phase 2: one transaction, under the lock every partition creator takes.
  return ctx.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(trx);
    await sql`LOCK TABLE records, tickets, ticket_lines, ticket_payments, ticket_vat IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    for (const span of await spansOf(trx, months)) {
      const to = coveredTo.get(`${span.registerId}#${span.chain}`);
      if (to === undefined || span.hi > to) {
        throw new ComptoirError('CONFLICT', `Records of register ${span.registerId} arrived in these months during the purge: run it again`, { registerId: span.registerId, chain: span.chain });
      }
    }
    let records = 0;
    let tickets = 0;
    let kept = 0;
    for (const month of months) {
      records += await countOf(trx, partitionName('records', month));
      tickets += await countOf(trx, partitionName('tickets', month));
      for (const { table } of PARTITIONED_TABLES) {
        const part = sql.table(partitionName(table, month));
        await sql`ALTER TABLE ${sql.table(table)} DETACH PARTITION ${part}`.execute(trx);
        if (table === 'records') {
          const moved = await sql`INSERT INTO records SELECT * FROM ${part} WHERE chain = 'archive'`.execute(trx);
          kept += Number(moved.numAffectedRows ?? 0);
        }
        await sql`DROP TABLE ${part}`.execute(trx);
      }
    }
    const list = [...verified.values()];
    const at = nowIso(ctx);
    const by = ctx.user?.kind === 'user' ? ctx.user.userId : 'system';
    await trx.insertInto('partition_purges').values(months.map((month) => ({ month, purged_at: at, purged_by: by, verified_archives: JSON.stringify(list) }))).execute();
    ctx.monthPartitions?.forget(months);
    ctx.log.warn({ months, records, tickets, by }, 'monthly partitions purged');
    return { purged: months, records, tickets, archiveRecordsKept: kept, verifiedArchives: list };
  });
}

/**
 * The archive's file as the register sent it and central keeps it (archive_files) verifies on its
 * own (domain verifyArchive), is the file of this archive record, and is signed under keys central
 * registered for the register. Also what `comptoir verify` anchors a purged chain on.
 */
export async function verifyKeptFile(
  ctx: Pick<Ctx, 'db'>,
  registerId: string,
  number: number,
  signature: string,
): Promise<{ ok: true; sha256: string; file: Extract<ArchiveCheck, { ok: true }> } | { ok: false; reason: 'archive_file_missing' | 'archive_broken'; problem: string }> {
  const kept = await ctx.db.selectFrom('archive_files').select(['content']).where('register_id', '=', registerId).where('number', '=', number).executeTakeFirst();
  if (!kept) return { ok: false, reason: 'archive_file_missing', problem: `central keeps no file of archive ${number} (the register has not sent it)` };
  const content = Buffer.from(kept.content);
  const check = verifyArchive(content.toString('utf8'));
  if (!check.ok) return { ok: false, reason: 'archive_broken', problem: check.reason };
  if (check.registerId !== registerId || check.archive.number !== number || check.archive.signature !== signature) {
    return { ok: false, reason: 'archive_broken', problem: `the kept file is not the file of archive ${number}` };
  }
  const registered = new Set((await registerKeys(ctx, registerId)).map((k) => k.keyId));
  const foreign = check.keyIds.find((id) => !registered.has(id));
  if (foreign) return { ok: false, reason: 'archive_broken', problem: `signed under key ${foreign}, which central never registered for this register` };
  return { ok: true, sha256: createHash('sha256').update(content).digest('hex'), file: check };
}
