import type { Updateable } from 'kysely';
import type { Ctx } from '../../context';
import { whereStoreIn } from '../stores/store-scope';
import type { RegistersTable } from '../../db/schema';
import { nextChangeVersion } from '../../db/change-version';

const FLEET_COLUMNS = [
  'registers.id', 'registers.name', 'registers.store_id', 'registers.enrolled_at', 'registers.mode',
  'registers.last_seen_at', 'registers.autonomous_since', 'registers.pending_records', 'registers.pending_customers', 'registers.last_sos_copy_at',
  'registers.last_sos_copy_kind', 'registers.sos_checksum', 'registers.sos_schedule',
  'registers.change_version_seen', 'registers.sos_counts', 'registers.next_sos_copy_at', 'registers.advertised_url',
  'registers.software_version', 'registers.protocol_version', 'registers.revoked_at', 'registers.enrol_code_expires_at',
] as const;

function fleetQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('registers')
    .select(FLEET_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('tamper_alerts')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('tamper_alerts.register_id', '=', 'registers.id')
        .as('tamper_alerts'),
    );
}
export type FleetRow = Awaited<ReturnType<ReturnType<typeof fleetQuery>['executeTakeFirstOrThrow']>>;

/** The fleet within the caller's scope (store-scope.ts). */
export function listFleet(ctx: Ctx): Promise<FleetRow[]> {
  return whereStoreIn(ctx, fleetQuery(ctx), 'registers.store_id').orderBy('registers.store_id').orderBy('registers.name').orderBy('registers.id').execute();
}

export function findFleetRow(ctx: Ctx, id: string): Promise<FleetRow | undefined> {
  return fleetQuery(ctx).where('registers.id', '=', id).executeTakeFirst();
}

export function findRegister(ctx: Ctx, id: string) {
  return ctx.db.selectFrom('registers').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A new register, numbered next in its store (`C<n>` of its ticket references, never reused), in one
 * transaction that also gives the store a new change version: the store's other registers learn of
 * it through their next changes pull (their copy's store line lists the store's registers). Two
 * registers created at once in one store: the unique (store, number) index refuses the second.
 */
export async function insertRegister(
  ctx: Ctx,
  row: { id: string; storeId: string; name: string; enrolCodeHash: string; enrolCodeExpiresAt: string; createdAt: string },
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    const last = await trx
      .selectFrom('registers')
      .select((eb) => eb.fn.max('number_in_store').as('n'))
      .where('store_id', '=', row.storeId)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    await trx
      .insertInto('registers')
      .values({
        id: row.id, store_id: row.storeId, name: row.name, enrol_code_hash: row.enrolCodeHash, enrol_code_expires_at: row.enrolCodeExpiresAt,
        created_at: row.createdAt, number_in_store: number,
      })
      .execute();
    await trx.updateTable('stores').set({ change_version: version }).where('id', '=', row.storeId).execute();
    return number;
  });
}

/**
 * Uses the one-time code: succeeds for exactly one caller (conditional update), only before it
 * expires (codes from before expiry existed have none). A re-enrolment (a code issued again for an
 * enrolled or revoked register) replaces the token and the current key, and lifts the revocation.
 */
export async function consumeEnrolCode(
  ctx: Ctx,
  codeHash: string,
  set: { enrolledAt: string; publicKeyPem: string; tokenHash: string },
): Promise<string | null> {
  const reg = await ctx.db
    .selectFrom('registers')
    .select('id')
    .where('enrol_code_hash', '=', codeHash)
    .where((eb) => eb.or([eb('enrol_code_expires_at', 'is', null), eb('enrol_code_expires_at', '>', set.enrolledAt)]))
    .executeTakeFirst();
  if (!reg) return null;
  const res = await ctx.db
    .updateTable('registers')
    .set({ enrol_code_hash: null, enrol_code_expires_at: null, revoked_at: null, enrolled_at: set.enrolledAt, public_key_pem: set.publicKeyPem, token_hash: set.tokenHash })
    .where('id', '=', reg.id)
    .where('enrol_code_hash', '=', codeHash)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? reg.id : null;
}

export async function updateRegister(ctx: Ctx, id: string, set: Updateable<RegistersTable>): Promise<number> {
  const res = await ctx.db.updateTable('registers').set(set).where('id', '=', id).executeTakeFirst();
  return Number(res.numUpdatedRows);
}
