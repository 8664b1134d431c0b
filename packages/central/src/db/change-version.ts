import type { Kysely } from 'kysely';
import { CHANGE_COUNTER, type CentralDb } from './schema';

/**
 * Allocates the next global change version. Invariant: call it inside the transaction that writes
 * the changed rows; the counter row stays locked until commit, so versions become visible in order
 * and a register that pulled `since=V` never misses a row committed later with a version ≤ V.
 */
export async function nextChangeVersion(db: Kysely<CentralDb>): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', CHANGE_COUNTER)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function currentChangeVersion(db: Kysely<CentralDb>): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', CHANGE_COUNTER).executeTakeFirstOrThrow();
  return Number(row.value);
}
