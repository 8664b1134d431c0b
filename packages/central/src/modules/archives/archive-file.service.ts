import { createHash } from 'node:crypto';
import { ComptoirError, type ArchiveFileReceipt } from '@comptoir/protocol';
import { archiveDigest, archiveFile } from '@comptoir/domain';
import { nowIso, type Ctx } from '../../context';
import { whereRegisterIn } from '../stores/store-scope';
import { storedArchive, type StoredArchive } from './archive.service';

/**
 * The archive files the registers wrote (issue 10 item 6; table `archive_files`, migration 0020).
 * Invariants:
 * - a file is kept only for an archive record central integrated, and only when it IS that
 *   record's file: its header line is byte for byte the one central builds for the record (the
 *   signed record itself and the register's registered keys), and its body hashes to the SHA-256
 *   the record signed. Header and body thus fixed, every accepted upload of one archive is the same
 *   bytes: a repeat answers the kept file (200), nothing is ever replaced (append-only table);
 * - a refusal stores nothing (404/409 `ARCHIVE_NOT_INTEGRATED` before the record, 422
 *   `ARCHIVE_FILE_MISMATCH` for anything else than the file);
 * - a download from central is recorded (`archive_file_downloads`: who, when) before the bytes go out.
 */

type Kept = { sha256: string; size_bytes: number | string; received_at: string; period_key: string };

function receipt(registerId: string, number: number, kept: Kept): ArchiveFileReceipt {
  return { registerId, number, periodKey: kept.period_key, sha256: kept.sha256, sizeBytes: Number(kept.size_bytes), receivedAt: kept.received_at };
}

function mismatch(stored: StoredArchive, number: number, reason: string): ComptoirError {
  return new ComptoirError('ARCHIVE_FILE_MISMATCH', `This is not the file of archive ${number} (${stored.payload.periodKey}): ${reason}`, { number, reason });
}

/** `PUT /api/sync/archives/:number/file`: the calling register's file of its archive `number`. */
export async function receiveArchiveFile(ctx: Ctx, registerId: string, number: number, text: string): Promise<{ created: boolean; receipt: ArchiveFileReceipt }> {
  const stored = await storedArchive(
    ctx,
    registerId,
    number,
    () => new ComptoirError('ARCHIVE_NOT_INTEGRATED', `Central has not integrated archive ${number} of register ${registerId} yet: push it, then send its file`, { number }),
  );
  const header = archiveFile(stored.header, '');
  if (!text.startsWith(header)) throw mismatch(stored, number, 'its header is not the signed archive record with the registered keys');
  if (archiveDigest(text.slice(header.length)) !== stored.payload.sha256) throw mismatch(stored, number, 'its records do not hash to the signed SHA-256');

  const content = Buffer.from(text, 'utf8');
  const sha256 = createHash('sha256').update(content).digest('hex');
  const inserted = await ctx.db
    .insertInto('archive_files')
    .values({ register_id: registerId, number, period_key: stored.payload.periodKey, sha256, size_bytes: content.length, content, received_at: nowIso(ctx) })
    .onConflict((oc) => oc.columns(['register_id', 'number']).doNothing())
    .executeTakeFirst();
  const kept = await ctx.db
    .selectFrom('archive_files')
    .select(['sha256', 'size_bytes', 'received_at', 'period_key'])
    .where('register_id', '=', registerId)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  // Cannot differ short of a SHA-256 collision (header and body are fixed above); never replaced.
  if (kept.sha256 !== sha256) throw mismatch(stored, number, 'central keeps another file for it');
  return { created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0, receipt: receipt(registerId, number, kept) };
}

/**
 * `GET /api/archives/:registerId/:number/register-file`: the file exactly as the register sent it
 * (its store's manager, or an admin; another store's archive is a 404 as if absent). The download
 * is recorded first (who, when).
 */
export async function downloadArchiveFile(ctx: Ctx, registerId: string, number: number): Promise<{ filename: string; content: Buffer }> {
  const stored = await storedArchive(ctx, registerId, number, () => new ComptoirError('NOT_FOUND', `No archive ${number} of register ${registerId}`));
  const kept = await whereRegisterIn(ctx, ctx.db.selectFrom('archive_files'), 'register_id')
    .select(['content'])
    .where('register_id', '=', registerId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!kept) {
    throw new ComptoirError('ARCHIVE_FILE_NOT_RECEIVED', `Register ${registerId} has not sent the file of archive ${number} yet (GET /api/archives/${registerId}/${number}/file rebuilds it)`, { registerId, number });
  }
  const userId = ctx.user?.kind === 'user' ? ctx.user.userId : 'internal';
  await ctx.db.insertInto('archive_file_downloads').values({ register_id: registerId, number, user_id: userId, downloaded_at: nowIso(ctx) }).execute();
  return { filename: stored.filename, content: Buffer.from(kept.content) };
}
