import { createPrivateKey } from 'node:crypto';
import { generateSigningKeyPair, keyIdOf } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import type { Identity, RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { CentralCallError, type CentralClient } from './central-client';
import { readKeyFile, writeKeyFile } from './signing-key-file';

type MetaIdentityRow = {
  register_id: string | null;
  register_name: string | null;
  store_id: string | null;
  token: string | null;
  private_key_pem: string | null;
  public_key_pem: string | null;
};

/**
 * Reads the stored identity (null when not enrolled); the private key comes from the key file and is
 * parsed once here. A database from before key files (issue 10) still holds the key: it is moved to
 * the key file and scrubbed from the database (secure_delete, VACUUM, WAL truncated), once.
 */
export function loadIdentity(ctx: RegisterContext): Identity | null {
  const row = ctx.sqlite
    .prepare('SELECT register_id, register_name, store_id, token, private_key_pem, public_key_pem FROM register_meta WHERE id = 1')
    .get() as MetaIdentityRow;
  if (!row.register_id || !row.token || !row.public_key_pem) return null;
  let pem = readKeyFile(ctx.keyFile);
  if (row.private_key_pem) {
    if (!pem) {
      writeKeyFile(ctx.keyFile, row.private_key_pem);
      pem = row.private_key_pem;
    }
    scrubKeyFromDatabase(ctx);
    ctx.logger.info({ keyFile: ctx.keyFile }, 'signing key moved out of the database into its key file');
  }
  if (!pem) {
    throw new ComptoirError('INTERNAL', `The register's signing key file is missing (${ctx.keyFile}): it cannot sign; restore the file or re-enrol the register`);
  }
  const privateKey = createPrivateKey(pem);
  const keyId = keyIdOf(row.public_key_pem);
  if (keyIdOf(privateKey) !== keyId) {
    throw new ComptoirError('INTERNAL', `The signing key file ${ctx.keyFile} does not hold the register's key (${keyId.slice(0, 16)}…)`);
  }
  return {
    registerId: row.register_id,
    registerName: row.register_name ?? row.register_id,
    storeId: row.store_id ?? '',
    token: row.token,
    privateKey,
    publicKeyPem: row.public_key_pem,
    keyId,
  };
}

/** Removes the private key from every byte of the database file and its WAL. */
function scrubKeyFromDatabase(ctx: RegisterContext): void {
  ctx.sqlite.pragma('secure_delete = ON');
  ctx.sqlite.prepare('UPDATE register_meta SET private_key_pem = NULL WHERE id = 1').run();
  ctx.sqlite.exec('VACUUM');
  ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Enrolment with a one-time code. Phases: generate the register's ECDSA P-256 key pair (the private
 * key never leaves the register) → `POST /api/registers/enrol` with the public key → the private key
 * into its key file (0600) → identity, token and public key in the database → `enrolment` and
 * `key_start` events (the first records of the event chain).
 * The first full copy follows (caller).
 */
export async function enrol(ctx: RegisterContext, client: CentralClient, enrolCode: string, centralUrl: string): Promise<Identity> {
  if (ctx.identity) throw new ComptoirError('ALREADY_ENROLLED', 'This register is already enrolled');
  const keys = generateSigningKeyPair();
  let res;
  try {
    res = await client.enrol({ enrolCode, publicKeyPem: keys.publicKeyPem });
  } catch (e) {
    if (e instanceof CentralCallError && e.kind === 'http') {
      const code = e.code === 'ENROL_CODE_INVALID' || e.code === 'ALREADY_ENROLLED' ? e.code : 'CENTRAL_UNREACHABLE';
      throw new ComptoirError(code, `Enrolment refused: ${e.message}`);
    }
    throw new ComptoirError('CENTRAL_UNREACHABLE', `Enrolment failed: ${(e as Error).message}`);
  }
  const now = ctx.now().toISOString();
  writeKeyFile(ctx.keyFile, keys.privateKeyPem);
  ctx.sqlite
    .prepare(
      `UPDATE register_meta SET register_id = ?, register_name = ?, store_id = ?, central_url = ?, token = ?,
         public_key_pem = ?, enrolled_at = ? WHERE id = 1`,
    )
    .run(res.registerId, res.registerName, res.storeId, centralUrl, res.token, keys.publicKeyPem, now);
  ctx.identity = loadIdentity(ctx);
  client.token = res.token;
  writeEvent(ctx, 'enrolment', { registerId: res.registerId, storeId: res.storeId });
  writeEvent(ctx, 'key_start', { keyId: ctx.identity!.keyId });
  ctx.logger.info({ registerId: res.registerId, storeId: res.storeId }, 'register enrolled');
  return ctx.identity!;
}
