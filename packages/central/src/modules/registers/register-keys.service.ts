import { keyIdOf } from '@comptoir/domain';
import { ComptoirError, type RegisterKeysResponse } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { assertRegisterInScope } from '../stores/store-scope';

// Every key a register ever had (issue 10), append-only: a row per key, valid from its `valid_from`
// until the next key's. Enrolment (first or re-enrolment of a replaced till) adds the new key; the
// ingest verifies each record under the key it names.

/** Adds a register's new key (inside the enrolment's transaction). */
export async function addRegisterKey(ctx: Ctx, registerId: string, publicKeyPem: string, validFrom: string): Promise<string> {
  const keyId = keyIdOf(publicKeyPem);
  await ctx.db
    .insertInto('register_keys')
    .values({ register_id: registerId, key_id: keyId, public_key_pem: publicKeyPem, valid_from: validFrom })
    .onConflict((oc) => oc.columns(['register_id', 'key_id']).doNothing())
    .execute();
  return keyId;
}

/** The register's public keys, oldest first (records without a keyId are the oldest key's). */
export async function registerPublicKeys(ctx: Ctx, registerId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('register_keys')
    .select('public_key_pem')
    .where('register_id', '=', registerId)
    .orderBy('valid_from')
    .orderBy('key_id')
    .execute();
  return rows.map((r) => r.public_key_pem);
}

/** `GET /api/registers/:id/keys`. */
export async function listRegisterKeys(ctx: Ctx, registerId: string): Promise<RegisterKeysResponse> {
  await assertRegisterInScope(ctx, registerId);
  const rows = await ctx.db
    .selectFrom('register_keys')
    .select(['key_id', 'public_key_pem', 'valid_from'])
    .where('register_id', '=', registerId)
    .orderBy('valid_from')
    .orderBy('key_id')
    .execute();
  return {
    items: rows.map((r, i) => ({ keyId: r.key_id, publicKeyPem: r.public_key_pem, validFrom: r.valid_from, validTo: rows[i + 1]?.valid_from ?? null })),
  };
}
