import { archiveBody, archiveDigest, archiveFile, archiveHeaderKeys, archiveKindOf, type ArchiveKind } from '@comptoir/domain';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { localKeys } from '../keys/register-keys';
import { writeKeyFile as writePrivateFile } from '../sync/signing-key-file';
import { ComptoirError, eventPayload, type Archive, type ArchivePayload, type Chain, type SignedRecord } from '@comptoir/protocol';
import { appendRecord, chainHeadOf, toSignedRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import type { RecordRow } from '../db/statements';
import { recordEntries } from '../chain/record-entries';
import { readStoreIdentity } from '../receipts/store-identity.service';

/** Every chain but the archives themselves, in the order an archive lists them. */
const ARCHIVED_CHAINS: Chain[] = ['ticket', 'duplicate', 'closure', 'event', 'training', 'drawer', 'invoice'];

/** Newest first. */
export function listArchives(ctx: RegisterContext, limit: number): Archive[] {
  return recordEntries<ArchivePayload>(ctx, 'archive', 'ORDER BY r.number DESC LIMIT ?', limit);
}

function rangeRecords(ctx: RegisterContext, registerId: string, chain: string, from: number, to: number): SignedRecord[] {
  return (ctx.sqlite.prepare('SELECT * FROM records WHERE chain = ? AND number BETWEEN ? AND ? ORDER BY number').all(chain, from, to) as RecordRow[]).map(
    (row) => toSignedRecord(registerId, row),
  );
}

/** The latest archive of one kind (months and fiscal years chain each to their own kind), or undefined. */
function lastArchiveOf(ctx: RegisterContext, kind: ArchiveKind): Archive | undefined {
  return recordEntries<ArchivePayload>(ctx, 'archive', "AND length(json_extract(r.payload, '$.periodKey')) = ? ORDER BY r.number DESC LIMIT 1", kind === 'year' ? 4 : 7)[0];
}

/**
 * Signs the archive of a closed month (periodKey YYYY-MM) or fiscal year (YYYY): for each chain,
 * the records after the previous archive of the same kind up to the chain's head (the ticket chain:
 * up to the period closure's last ticket, so a ticket of the new period waits for the next archive),
 * and the SHA-256 of their canonical text. A fiscal-year archive also holds the `archive` chain since
 * the previous fiscal-year archive (the year's month archives, the one signed just before it
 * included), so it follows that archive as records follow each other. MUST run inside the closure's
 * transaction (after the period's closure, so the archive holds it): the heads cannot move between
 * reading the records and signing.
 * Invariant: consecutive archives of one kind cover consecutive numbers of every chain; each range
 * names the signature its first record follows, so archives chain to each other as records do.
 */
export function signArchive(ctx: RegisterContext, periodKey: string, now: Date, lastTicket: number): Archive {
  const registerId = ctx.identity!.registerId;
  const kind = archiveKindOf(periodKey);
  const previous = lastArchiveOf(ctx, kind);
  const covered = new Map((previous?.payload.ranges ?? []).map((r) => [r.chain, r.to]));
  if (previous && kind === 'year') covered.set('archive', previous.number);
  const ranges: ArchivePayload['ranges'] = [];
  const records: SignedRecord[] = [];
  for (const chain of kind === 'year' ? [...ARCHIVED_CHAINS, 'archive' as const] : ARCHIVED_CHAINS) {
    const from = (covered.get(chain) ?? 0) + 1;
    const to = chain === 'ticket' ? lastTicket : (chainHeadOf(ctx, chain)?.number ?? 0);
    if (to < from) continue;
    const run = rangeRecords(ctx, registerId, chain, from, to);
    // Record `from` signed the signature it follows: the link to the previous archive, without reading record `from` − 1.
    ranges.push({ chain, from, to, prevSignature: run[0]!.prevSignature });
    records.push(...run);
  }
  const body = archiveBody(records);
  // Every key the register had, with its validity by position: signed, so the file alone tells which key may sign where.
  const keys = localKeys(ctx.sqlite).map((k) => ({ keyId: k.keyId, startAfter: k.startAfter, endAt: k.endAt }));
  const store = readStoreIdentity(ctx);
  const payload: ArchivePayload = {
    type: 'archive',
    periodKey,
    siret: store.siret,
    storeId: store.storeId,
    storeName: store.name,
    softwareVersion: `${store.softwareName} ${store.softwareVersion}`,
    ranges,
    recordCount: records.length,
    sha256: archiveDigest(body),
    ...(keys.length > 0 ? { keys } : {}),
  };
  const appended = appendRecord(ctx, 'archive', payload, now.toISOString());
  const written = writeArchiveFile(ctx, appended.number);
  appendRecord(
    ctx,
    'event',
    eventPayload('archive_produced', { archiveNumber: appended.number, periodKey, records: records.length, file: basename(written.file), fileSha256: written.sha256 }),
    now.toISOString(),
  );
  return { number: appended.number, recordedAt: appended.recordedAt, signature: appended.signature, integratedAt: null, payload };
}

/**
 * Writes the archive's file when its record is signed (inside the closure's transaction): in
 * `DATA/archives/`, atomically (temporary file 0600, fsync, rename), named with the store's SIRET,
 * the register and the period; its SHA-256 is recorded (`archive_files`) and named by the
 * `archive_produced` event. The file is the same bytes `GET /api/archives/:number/file` serves.
 */
function writeArchiveFile(ctx: RegisterContext, number: number): { file: string; sha256: string } {
  const { name, text } = archiveFileOf(ctx, number);
  const siret = (ctx.sqlite.prepare('SELECT siret FROM copy_store LIMIT 1').get() as { siret: string } | undefined)?.siret ?? 'no-siret';
  const dir = join(dirname(ctx.sqlite.name), 'archives');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${siret.replace(/[^0-9A-Za-z]/g, '')}-${name}`);
  writePrivateFile(file, text);
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  ctx.sqlite.prepare('INSERT OR REPLACE INTO archive_files (number, file, sha256, written_at) VALUES (?, ?, ?, ?)').run(number, file, sha256, ctx.now().toISOString());
  return { file, sha256 };
}

/** The archive's file, rebuilt from the register's records (the same bytes central builds from its copy). */
export function archiveFileOf(ctx: RegisterContext, number: number): { name: string; text: string } {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const row = ctx.sqlite.prepare("SELECT * FROM records WHERE chain = 'archive' AND number = ?").get(number) as RecordRow | undefined;
  if (!row) throw new ComptoirError('NOT_FOUND', `No archive ${number} on this register`);
  const archive = toSignedRecord(identity.registerId, row);
  const payload = archive.payload as ArchivePayload;
  const records = payload.ranges.flatMap((r) => rangeRecords(ctx, identity.registerId, r.chain, r.from, r.to));
  return {
    name: `comptoir-archive-${identity.registerId}-${payload.periodKey}.ndjson`,
    text: archiveFile({ registerId: identity.registerId, archive, ...archiveHeaderKeys(archive, identity.publicKeyPem, pemOf(ctx)) }, archiveBody(records)),
  };
}

/** A key's public key by its id, among every key this register had. */
function pemOf(ctx: RegisterContext): (keyId: string) => string | undefined {
  const keys = new Map(localKeys(ctx.sqlite).map((k) => [k.keyId, k.publicKeyPem]));
  return (keyId) => keys.get(keyId);
}
