import { keyIdOf, type ChainHeads, type RegisterKey } from '@comptoir/domain';
import type { RegisterKeysResponse } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { assertRegisterInScope } from '../stores/store-scope';

// Every key a register ever had (issue 10), append-only: a row per key, valid from `valid_from`
// and, by position, per chain after `start_after` up to `end_at` (null: current). Enrolment (first,
// or of a replaced till) adds the new key and retires the old one at central's chain heads; a
// rotation is a `key_end` event signed by the old key naming the next one (ingest.service.ts).
// The ingest and `comptoir verify` check each record under the key valid at its position.

/** A stored key with its validity (what the verifiers take). */
export type StoredRegisterKey = RegisterKey & { keyId: string; publicKeyPem: string };

const heads = (json: string | null): ChainHeads | null => (json ? (JSON.parse(json) as ChainHeads) : null);

/** Adds a register's new key (inside the enrolment's or the push's transaction), valid after `startAfter`. */
export async function addRegisterKey(ctx: Ctx, registerId: string, publicKeyPem: string, validFrom: string, startAfter: ChainHeads | null = null): Promise<string> {
  const keyId = keyIdOf(publicKeyPem);
  await ctx.db
    .insertInto('register_keys')
    .values({
      register_id: registerId,
      key_id: keyId,
      public_key_pem: publicKeyPem,
      valid_from: validFrom,
      start_after: startAfter ? JSON.stringify(startAfter) : null,
    })
    .onConflict((oc) => oc.columns(['register_id', 'key_id']).doNothing())
    .execute();
  return keyId;
}

/** Retires the register's still-current keys (only `keyId` when given) at `endAt`, the chain heads at the change. */
export async function retireRegisterKeys(ctx: Ctx, registerId: string, endAt: ChainHeads, at: string, keyId?: string): Promise<void> {
  let q = ctx.db
    .updateTable('register_keys')
    .set({ end_at: JSON.stringify(endAt), valid_to: at })
    .where('register_id', '=', registerId)
    .where('end_at', 'is', null);
  if (keyId) q = q.where('key_id', '=', keyId);
  await q.execute();
}

/** The register's keys with their validity, oldest first (records without a keyId are the oldest key's). */
export async function registerKeys(ctx: Pick<Ctx, 'db'>, registerId: string): Promise<StoredRegisterKey[]> {
  const rows = await ctx.db
    .selectFrom('register_keys')
    .select(['key_id', 'public_key_pem', 'start_after', 'end_at'])
    .where('register_id', '=', registerId)
    .orderBy('valid_from')
    .orderBy('key_id')
    .execute();
  return rows.map((r) => ({ keyId: r.key_id, publicKeyPem: r.public_key_pem, publicKey: r.public_key_pem, startAfter: heads(r.start_after), endAt: heads(r.end_at) }));
}

/** `GET /api/registers/:id/keys`. */
export async function listRegisterKeys(ctx: Ctx, registerId: string): Promise<RegisterKeysResponse> {
  await assertRegisterInScope(ctx, registerId);
  const rows = await ctx.db
    .selectFrom('register_keys')
    .select(['key_id', 'public_key_pem', 'valid_from', 'valid_to', 'start_after', 'end_at'])
    .where('register_id', '=', registerId)
    .orderBy('valid_from')
    .orderBy('key_id')
    .execute();
  return {
    items: rows.map((r, i) => ({
      keyId: r.key_id,
      publicKeyPem: r.public_key_pem,
      validFrom: r.valid_from,
      validTo: r.valid_to ?? rows[i + 1]?.valid_from ?? null,
      startAfter: heads(r.start_after),
      endAt: heads(r.end_at),
    })),
  };
}
