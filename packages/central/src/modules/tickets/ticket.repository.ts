import type { Ctx } from '../../context';
import { whereStoreIn } from '../stores/store-scope';
import type { TicketRow } from '../../db/schema';

export async function findTickets(
  ctx: Ctx,
  f: { registerId?: string | undefined; limit: number; offset: number },
): Promise<{ rows: TicketRow[]; total: number }> {
  const base = () => {
    let q = whereStoreIn(ctx, ctx.db.selectFrom('tickets'), 'store_id');
    if (f.registerId) q = q.where('register_id', '=', f.registerId);
    return q;
  };
  const [rows, count] = await Promise.all([
    base().selectAll().orderBy('register_id').orderBy('number').limit(f.limit).offset(f.offset).execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findTicket(ctx: Ctx, registerId: string, number: number) {
  return ctx.db.selectFrom('tickets').selectAll().where('register_id', '=', registerId).where('number', '=', number).executeTakeFirst();
}

type Key = { register_id: string; number: number };

/** Lines, payments and VAT lines of a page of tickets: three queries, whatever the page size. */
export async function findTicketDetails(ctx: Ctx, keys: Key[]) {
  const empty = { lines: [], payments: [], vat: [] };
  if (keys.length === 0) return empty;
  const byRegister = new Map<string, number[]>();
  for (const k of keys) byRegister.set(k.register_id, [...(byRegister.get(k.register_id) ?? []), Number(k.number)]);
  const where = <T extends { where: any }>(q: T): T =>
    q.where((eb: any) =>
      eb.or([...byRegister].map(([registerId, numbers]) => eb.and([eb('register_id', '=', registerId), eb('number', 'in', numbers)]))),
    );
  const [lines, payments, vat] = await Promise.all([
    where(ctx.db.selectFrom('ticket_lines').selectAll()).orderBy('register_id').orderBy('number').orderBy('line_no').execute(),
    where(ctx.db.selectFrom('ticket_payments').selectAll()).orderBy('register_id').orderBy('number').orderBy('seq').execute(),
    where(ctx.db.selectFrom('ticket_vat').selectAll()).orderBy('register_id').orderBy('number').orderBy('rate').execute(),
  ]);
  return { lines, payments, vat };
}
