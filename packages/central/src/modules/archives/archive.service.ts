import { ComptoirError, type ArchivePayload, type CentralArchive } from '@comptoir/protocol';
import { archiveBody, archiveFile, archiveHeaderKeys, type SignedRecord } from '@comptoir/domain';
import { registerKeys } from '../registers/register-keys.service';
import type { Ctx } from '../../context';
import { whereRegisterIn } from '../stores/store-scope';
import { listChainRecords } from '../records/chain-records.service';

/** NF525 archives (docs/architecture.md §6) as the registers signed them: records of the `archive` chain. Newest first. */
export function listArchives(ctx: Ctx, query: { registerId?: string | undefined; limit: number }): Promise<{ items: CentralArchive[] }> {
  return listChainRecords<ArchivePayload>(ctx, 'archive', query);
}

type RecordRow = { register_id: string; chain: string; number: number; recorded_at: string; payload: string; prev_signature: string; signature: string; key_id: string | null };

/** A stored row as the register signed it (numbers from PostgreSQL bigint may arrive as strings). */
function toSigned(r: RecordRow): SignedRecord {
  return {
    registerId: r.register_id,
    chain: r.chain,
    number: Number(r.number),
    recordedAt: r.recorded_at,
    payload: JSON.parse(r.payload) as unknown,
    prevSignature: r.prev_signature,
    signature: r.signature,
    ...(r.key_id ? { keyId: r.key_id } : {}),
  };
}

const RECORD_COLUMNS = ['register_id', 'chain', 'number', 'recorded_at', 'payload', 'prev_signature', 'signature', 'key_id'] as const;

/** An archive record as central stored it, with the header of its file (domain `archiveFile`). */
export type StoredArchive = {
  archive: SignedRecord;
  payload: ArchivePayload;
  /** The file's header fields: central's own, from the register's registered keys. */
  header: Parameters<typeof archiveFile>[0];
  filename: string;
};

/**
 * Archive `number` of `registerId` as central integrated it (in the caller's store scope), or
 * `missing()` thrown. Its file's header is built here, from the stored record and the register's
 * registered keys: what a rebuilt file starts with, and what a file sent by the register must start with.
 */
export async function storedArchive(ctx: Ctx, registerId: string, number: number, missing: () => ComptoirError): Promise<StoredArchive> {
  const row = await whereRegisterIn(ctx, ctx.db.selectFrom('records'), 'register_id')
    .select(RECORD_COLUMNS)
    .where('register_id', '=', registerId)
    .where('chain', '=', 'archive')
    .where('number', '=', number)
    .executeTakeFirst();
  if (!row) throw missing();
  const register = await ctx.db.selectFrom('registers').select('public_key_pem').where('id', '=', registerId).executeTakeFirst();
  // A stored record implies an enrolled register (the ingest verified it with this key).
  if (!register?.public_key_pem) throw new ComptoirError('CONFLICT', `Register ${registerId} has no public key`);
  const archive = toSigned(row);
  const payload = archive.payload as ArchivePayload;
  const pems = new Map((await registerKeys(ctx, registerId)).map((k) => [k.keyId, k.publicKeyPem]));
  const safeId = registerId.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    archive,
    payload,
    header: { registerId, archive, ...archiveHeaderKeys(archive, register.public_key_pem, (id) => pems.get(id)) },
    filename: `comptoir-archive-${safeId}-${payload.periodKey}.ndjson`,
  };
}

/**
 * The archive file of one archive record, rebuilt from central's own stored records: the same
 * deterministic text the register hashed (domain `archiveBody` of the ranges' records, in ranges
 * order), so its SHA-256 matches the signed one unless a stored record differs. Never a partial
 * file: a range not wholly pushed yet is a 409, an unknown archive a 404.
 */
export async function buildArchiveFile(ctx: Ctx, registerId: string, number: number): Promise<{ filename: string; text: string }> {
  const { payload, header, filename } = await storedArchive(ctx, registerId, number, () => new ComptoirError('NOT_FOUND', `No archive ${number} of register ${registerId}`));
  const records: SignedRecord[] = [];
  for (const range of payload.ranges) {
    const rows = await ctx.db
      .selectFrom('records')
      .select(RECORD_COLUMNS)
      .where('register_id', '=', registerId)
      .where('chain', '=', range.chain)
      .where('number', '>=', range.from)
      .where('number', '<=', range.to)
      .orderBy('number')
      .execute();
    const expected = Math.max(0, range.to - range.from + 1);
    if (rows.length !== expected) {
      throw new ComptoirError(
        'CONFLICT',
        `Archive ${number} of register ${registerId}: central holds ${rows.length} of the ${expected} records of chain ${range.chain} ${range.from}..${range.to} (not all pushed yet)`,
        { chain: range.chain, from: range.from, to: range.to, held: rows.length },
      );
    }
    records.push(...rows.map(toSigned));
  }
  return { filename, text: archiveFile(header, archiveBody(records)) };
}
