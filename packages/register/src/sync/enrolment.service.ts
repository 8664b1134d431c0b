import { createPrivateKey } from 'node:crypto';
import { generateSigningKeyPair } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import type { Identity, RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { CentralCallError, type CentralClient } from './central-client';

type MetaIdentityRow = {
  register_id: string | null;
  register_name: string | null;
  store_id: string | null;
  token: string | null;
  private_key_pem: string | null;
  public_key_pem: string | null;
};

/** Reads the stored identity (null when not enrolled); the private key is parsed once here. */
export function loadIdentity(ctx: RegisterContext): Identity | null {
  const row = ctx.sqlite
    .prepare('SELECT register_id, register_name, store_id, token, private_key_pem, public_key_pem FROM register_meta WHERE id = 1')
    .get() as MetaIdentityRow;
  if (!row.register_id || !row.token || !row.private_key_pem || !row.public_key_pem) return null;
  return {
    registerId: row.register_id,
    registerName: row.register_name ?? row.register_id,
    storeId: row.store_id ?? '',
    token: row.token,
    privateKey: createPrivateKey(row.private_key_pem),
    publicKeyPem: row.public_key_pem,
  };
}

/**
 * Enrolment with a one-time code. Phases: generate the register's ECDSA P-256 key pair (the private
 * key never leaves the register) → `POST /api/registers/enrol` with the public key → store identity,
 * token and keys in one transaction → `enrolment` event (first record of the event chain).
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
  ctx.sqlite
    .prepare(
      `UPDATE register_meta SET register_id = ?, register_name = ?, store_id = ?, central_url = ?, token = ?,
         private_key_pem = ?, public_key_pem = ?, enrolled_at = ? WHERE id = 1`,
    )
    .run(res.registerId, res.registerName, res.storeId, centralUrl, res.token, keys.privateKeyPem, keys.publicKeyPem, now);
  ctx.identity = loadIdentity(ctx);
  client.token = res.token;
  writeEvent(ctx, 'enrolment', { registerId: res.registerId, storeId: res.storeId });
  ctx.logger.info({ registerId: res.registerId, storeId: res.storeId }, 'register enrolled');
  return ctx.identity!;
}
