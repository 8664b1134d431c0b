import { createPrivateKey } from 'node:crypto';
import { generateSigningKeyPair, keyIdOf } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import type { Identity, RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { CentralCallError, type CentralClient } from './central-client';
import { existsSync, unlinkSync } from 'node:fs';
import { moveKeyFile, nextKeyFileOf, readKeyFile, writeKeyFile } from './signing-key-file';
import { addLocalKey } from '../keys/register-keys';

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
  pem = finishRotation(ctx, row.public_key_pem, pem);
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

/**
 * A key rotation interrupted after its commit left the next key in `KEYFILE.next`: it is the
 * register's key now, so it is moved into place. One interrupted before its commit left a key no
 * record names: it is removed.
 */
function finishRotation(ctx: RegisterContext, publicKeyPem: string, pem: string | null): string | null {
  const nextFile = nextKeyFileOf(ctx.keyFile);
  if (!existsSync(nextFile)) return pem;
  const next = readKeyFile(nextFile)!;
  if ((!pem || keyIdOf(pem) !== keyIdOf(publicKeyPem)) && keyIdOf(next) === keyIdOf(publicKeyPem)) {
    moveKeyFile(nextFile, ctx.keyFile);
    ctx.logger.warn({ keyFile: ctx.keyFile }, 'key rotation finished at start (the next key file moved into place)');
    return next;
  }
  unlinkSync(nextFile);
  return pem;
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
 * into its key file (0600) → identity, token and public key in the database (a replaced till: the
 * heads its chains continue from, given by central) → `enrolment` and `key_start` events (a
 * replaced till: `key_end` of the old key first).
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
  const keyId = keyIdOf(keys.publicKeyPem);
  // A replaced till: its chains continue from central's heads (anchors), under the new key.
  const startAfter = res.continueFrom ? Object.fromEntries(res.continueFrom.heads.map((h) => [h.chain, h.number])) : null;
  ctx.sqlite.transaction(() => {
    ctx.sqlite
      .prepare(
        `UPDATE register_meta SET register_id = ?, register_name = ?, store_id = ?, central_url = ?, token = ?,
           public_key_pem = ?, enrolled_at = ? WHERE id = 1`,
      )
      .run(res.registerId, res.registerName, res.storeId, centralUrl, res.token, keys.publicKeyPem, now);
    const anchor = ctx.sqlite.prepare('INSERT INTO chain_anchors (chain, number, signature, recorded_at) VALUES (?, ?, ?, ?)');
    for (const h of res.continueFrom?.heads ?? []) anchor.run(h.chain, h.number, h.signature, h.recordedAt);
    addLocalKey(ctx.sqlite, keys.publicKeyPem, keyId, now, startAfter);
  })();
  ctx.identity = loadIdentity(ctx);
  client.token = res.token;
  writeEvent(ctx, 'enrolment', { registerId: res.registerId, storeId: res.storeId });
  if (res.continueFrom) {
    // The replaced till's key ended at central's heads (signed here by the new key: the old till is gone).
    writeEvent(ctx, 'key_end', { keyId: res.continueFrom.previousKeyId, replaced: true, endAt: JSON.stringify(startAfter) });
  }
  writeEvent(ctx, 'key_start', { keyId, ...(res.continueFrom ? { previousKeyId: res.continueFrom.previousKeyId } : {}) });
  ctx.logger.info({ registerId: res.registerId, storeId: res.storeId }, 'register enrolled');
  return ctx.identity!;
}
