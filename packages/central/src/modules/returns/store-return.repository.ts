import type { TicketPayload } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';

// SQL of returns at any register of the store (store-return.service.ts).

export interface OriginalRef {
  registerId: string;
  number: number;
}

/** The original ticket's row and signed payload; on PostgreSQL the ticket row is locked (FOR UPDATE) until the transaction ends. */
export async function lockOriginal(ctx: Ctx, ref: OriginalRef, lock: boolean) {
  const row = await ctx.db
    .selectFrom('tickets')
    .select(['register_id', 'number', 'store_id', 'kind', 'sold_at', 'integrated_at', 'signature'])
    .where('register_id', '=', ref.registerId)
    .where('number', '=', ref.number)
    .$if(lock && ctx.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) return null;
  const record = await ctx.db
    .selectFrom('records')
    .select(['payload'])
    .where('register_id', '=', ref.registerId)
    .where('chain', '=', 'ticket')
    .where('number', '=', ref.number)
    .executeTakeFirstOrThrow();
  return { ...row, payload: JSON.parse(record.payload) as TicketPayload };
}

/** Units returned or reserved so far, per line of the original (every register of the store). */
export async function returnedByLine(ctx: Ctx, ref: OriginalRef): Promise<Record<number, number>> {
  const rows = await ctx.db
    .selectFrom('returned_units')
    .select(['line_no', (eb) => eb.fn.sum<number>('quantity').as('quantity')])
    .where('original_register_id', '=', ref.registerId)
    .where('original_number', '=', ref.number)
    .groupBy('line_no')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.line_no, Number(r.quantity)]));
}

export async function reservationRows(ctx: Ctx, reservationId: string) {
  return ctx.db.selectFrom('returned_units').selectAll().where('reservation_id', '=', reservationId).execute();
}

export async function insertReturnedUnits(
  ctx: Ctx,
  rows: { reservationId: string; storeId: string; original: OriginalRef; returningRegisterId: string; returnNumber: number | null; createdAt: string; lines: { lineNo: number; quantity: number }[] },
): Promise<void> {
  if (rows.lines.length === 0) return;
  await ctx.db
    .insertInto('returned_units')
    .values(
      rows.lines.map((l) => ({
        reservation_id: rows.reservationId,
        line_no: l.lineNo,
        store_id: rows.storeId,
        original_register_id: rows.original.registerId,
        original_number: rows.original.number,
        quantity: l.quantity,
        returning_register_id: rows.returningRegisterId,
        return_number: rows.returnNumber,
        created_at: rows.createdAt,
      })),
    )
    .onConflict((oc) => oc.columns(['reservation_id', 'line_no']).doNothing())
    .execute();
}

/** Marks a reservation as used by the return ticket just pushed; answers how many rows it named. */
export async function useReservation(ctx: Ctx, reservationId: string, registerId: string, returnNumber: number): Promise<number> {
  const r = await ctx.db
    .updateTable('returned_units')
    .set({ return_number: returnNumber })
    .where('reservation_id', '=', reservationId)
    .where('returning_register_id', '=', registerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes a reservation no return ticket used (the register's own return failed after reserving); answers how many rows it freed. */
export async function deleteUnusedReservation(ctx: Ctx, reservationId: string, registerId: string): Promise<number> {
  const freed = await ctx.db
    .deleteFrom('returned_units')
    .where('reservation_id', '=', reservationId)
    .where('returning_register_id', '=', registerId)
    .where('return_number', 'is', null)
    .returning(['reservation_id', 'original_register_id', 'created_at'])
    .execute();
  await keepReleases(ctx, freed);
  return freed.length;
}

/**
 * Keeps the reservations just freed (`returned_unit_releases`) for the issuing register, which may
 * have learned their units meanwhile: one row per reservation and creation time, whatever its lines.
 * Run inside the caller's transaction when there is one.
 */
async function keepReleases(ctx: Ctx, freed: { reservation_id: string; original_register_id: string; created_at: string }[]): Promise<void> {
  if (freed.length === 0) return;
  const releasedAt = nowIso(ctx);
  const rows = new Map(freed.map((f) => [`${f.reservation_id}\n${f.created_at}`, { reservation_id: f.reservation_id, reserved_at: f.created_at, original_register_id: f.original_register_id, released_at: releasedAt }]));
  await ctx.db
    .insertInto('returned_unit_releases')
    .values([...rows.values()])
    .onConflict((oc) => oc.columns(['reservation_id', 'reserved_at']).doNothing())
    .execute();
}

/** Reservations of units of `registerId`'s tickets freed at or after `since` (its own among them: it never learned those, so they free nothing there). */
export async function releasesOfReturnsOf(ctx: Ctx, registerId: string, since: string | undefined) {
  return ctx.db
    .selectFrom('returned_unit_releases')
    .select(['reservation_id', 'reserved_at'])
    .where('original_register_id', '=', registerId)
    .$if(since !== undefined, (q) => q.where('released_at', '>=', since!))
    .orderBy('released_at')
    .execute();
}

/** The other registers of a store (not revoked), with their advertised URL and every key they had. */
export async function storeRegisterRows(ctx: Ctx, storeId: string, exceptRegisterId: string) {
  const regs = await ctx.db
    .selectFrom('registers')
    .select(['id', 'name', 'advertised_url'])
    .where('store_id', '=', storeId)
    .where('id', '!=', exceptRegisterId)
    .where('revoked_at', 'is', null)
    .where('enrolled_at', 'is not', null)
    .orderBy('id')
    .execute();
  const keys = regs.length
    ? await ctx.db.selectFrom('register_keys').select(['register_id', 'key_id', 'public_key_pem']).where('register_id', 'in', regs.map((r) => r.id)).orderBy('valid_from').execute()
    : [];
  return regs.map((r) => ({ ...r, keys: keys.filter((k) => k.register_id === r.id) }));
}

/** Units of `registerId`'s tickets returned or reserved by OTHER registers, created at or after `since`. */
export async function returnedUnitsOfTicketsOf(ctx: Ctx, registerId: string, since: string | undefined) {
  return ctx.db
    .selectFrom('returned_units')
    .select(['reservation_id', 'line_no', 'original_number', 'quantity', 'returning_register_id', 'created_at'])
    .where('original_register_id', '=', registerId)
    .where('returning_register_id', '!=', registerId)
    .$if(since !== undefined, (q) => q.where('created_at', '>=', since!))
    .orderBy('created_at')
    .execute();
}

/** Frees the rows of a reservation no return ticket used, whoever holds it (a LAN reservation released at the issuing register). */
export async function deleteUnusedReservationRows(ctx: Ctx, reservationId: string): Promise<number> {
  const freed = await ctx.db
    .deleteFrom('returned_units')
    .where('reservation_id', '=', reservationId)
    .where('return_number', 'is', null)
    .returning(['reservation_id', 'original_register_id', 'created_at'])
    .execute();
  await keepReleases(ctx, freed);
  return freed.length;
}

/** Adds an anomaly to a ticket's list (review may annotate `anomalies`, the one column that is not append-only). */
export async function flagTicket(ctx: Ctx, ref: OriginalRef, anomaly: string): Promise<void> {
  const row = await ctx.db.selectFrom('tickets').select('anomalies').where('register_id', '=', ref.registerId).where('number', '=', ref.number).executeTakeFirst();
  if (!row) return;
  const list = JSON.parse(row.anomalies || '[]') as string[];
  if (list.includes(anomaly)) return;
  list.push(anomaly);
  await ctx.db.updateTable('tickets').set({ anomalies: JSON.stringify(list) }).where('register_id', '=', ref.registerId).where('number', '=', ref.number).execute();
}
