import { nowIso, type Ctx } from '../../context';

// SQL of stored values — avoirs and gift cards, one table for both (stored-value.service.ts).

/** The stored value's row; on PostgreSQL locked (FOR UPDATE) until the transaction ends. */
export async function storedValueRow(ctx: Ctx, reference: string, lock: boolean) {
  return ctx.db
    .selectFrom('credit_notes')
    .selectAll()
    .where('reference', '=', reference)
    .$if(lock && ctx.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function spentOf(ctx: Ctx, reference: string): Promise<number> {
  const r = await ctx.db
    .selectFrom('credit_note_spends')
    .select((eb) => eb.fn.sum<number>('amount_cents').as('spent'))
    .where('reference', '=', reference)
    .executeTakeFirst();
  return Number(r?.spent ?? 0);
}

export async function spendRow(ctx: Ctx, reservationId: string) {
  return ctx.db.selectFrom('credit_note_spends').selectAll().where('reservation_id', '=', reservationId).executeTakeFirst();
}

export async function insertStoredValue(
  ctx: Ctx,
  row: { kind: 'credit_note' | 'gift_card'; reference: string; storeId: string; registerId: string; ticketNumber: number; amountCents: number; issuedAt: string },
): Promise<void> {
  await ctx.db
    .insertInto('credit_notes')
    .values({ kind: row.kind, reference: row.reference, store_id: row.storeId, register_id: row.registerId, return_number: row.ticketNumber, amount_cents: row.amountCents, issued_at: row.issuedAt })
    .onConflict((oc) => oc.column('reference').doNothing())
    .execute();
}

export async function insertSpend(
  ctx: Ctx,
  row: { reservationId: string; reference: string; storeId: string; amountCents: number; spendingRegisterId: string; ticketNumber: number | null; createdAt: string },
): Promise<void> {
  await ctx.db
    .insertInto('credit_note_spends')
    .values({
      reservation_id: row.reservationId,
      reference: row.reference,
      store_id: row.storeId,
      amount_cents: row.amountCents,
      spending_register_id: row.spendingRegisterId,
      ticket_number: row.ticketNumber,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.column('reservation_id').doNothing())
    .execute();
}

/** Marks a reservation used by the sale just pushed; answers how many rows it named. */
export async function useSpend(ctx: Ctx, reservationId: string, registerId: string, ticketNumber: number): Promise<number> {
  const r = await ctx.db
    .updateTable('credit_note_spends')
    .set({ ticket_number: ticketNumber })
    .where('reservation_id', '=', reservationId)
    .where('spending_register_id', '=', registerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Frees a reservation not used by a pushed sale: its spend row goes, and the release is kept
 * (`credit_note_releases`) for the issuing register, which may have learned the spend meanwhile.
 * Answers how many rows it freed. Run inside the caller's transaction when there is one.
 */
export async function deleteUnusedSpend(ctx: Ctx, reservationId: string, registerId: string | null): Promise<number> {
  const freed = await ctx.db
    .deleteFrom('credit_note_spends')
    .where('reservation_id', '=', reservationId)
    .where('ticket_number', 'is', null)
    .$if(registerId !== null, (q) => q.where('spending_register_id', '=', registerId!))
    .returning(['reservation_id', 'reference', 'created_at'])
    .execute();
  if (freed.length > 0) {
    const releasedAt = nowIso(ctx);
    await ctx.db
      .insertInto('credit_note_releases')
      .values(freed.map((f) => ({ reservation_id: f.reservation_id, spend_created_at: f.created_at, reference: f.reference, released_at: releasedAt })))
      .onConflict((oc) => oc.columns(['reservation_id', 'spend_created_at']).doNothing())
      .execute();
  }
  return freed.length;
}

/** Reservations of `registerId`'s stored values freed at or after `since` (its own among them: the register never deletes its own rows for them). */
export async function releasesOfStoredValuesOf(ctx: Ctx, registerId: string, since: string | undefined) {
  return ctx.db
    .selectFrom('credit_note_releases as r')
    .innerJoin('credit_notes as v', 'v.reference', 'r.reference')
    .select(['r.reservation_id', 'r.spend_created_at', 'r.released_at'])
    .where('v.register_id', '=', registerId)
    .$if(since !== undefined, (q) => q.where('r.released_at', '>=', since!))
    .orderBy('r.released_at')
    .execute();
}

/** Spends (used or reserved) of `registerId`'s stored values by OTHER registers, created at or after `since`. */
export async function spendsOfStoredValuesOf(ctx: Ctx, registerId: string, since: string | undefined) {
  return ctx.db
    .selectFrom('credit_note_spends as s')
    .innerJoin('credit_notes as v', 'v.reference', 's.reference')
    .select(['s.reservation_id', 's.reference', 's.amount_cents', 's.spending_register_id', 's.created_at'])
    .where('v.register_id', '=', registerId)
    .where('s.spending_register_id', '!=', registerId)
    .$if(since !== undefined, (q) => q.where('s.created_at', '>=', since!))
    .orderBy('s.created_at')
    .execute();
}
