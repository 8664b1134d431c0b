import { ComptoirError, type LocalTicket, type TicketPayload } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

// Read side of the register's own tickets (reprints, returns lookup): outside the hot path, via Kysely.

function baseQuery(ctx: RegisterContext) {
  return ctx.db
    .selectFrom('tickets as t')
    .innerJoin('records as r', (j) => j.onRef('r.number', '=', 't.number').on('r.chain', '=', 'ticket'))
    .leftJoin('integrations as i', (j) => j.onRef('i.number', '=', 't.number').on('i.chain', '=', 'ticket'))
    .select([
      't.number', 't.kind', 't.total_cents', 't.sold_at', 't.sold_offline', 't.cashier_id', 't.customer_id',
      't.original_register_id', 't.original_number', 'r.payload', 'r.signature', 'i.integrated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toTicket(registerId: string, row: Row): LocalTicket {
  const p = JSON.parse(row.payload) as TicketPayload;
  return {
    registerId,
    number: row.number,
    kind: row.kind as LocalTicket['kind'],
    totalCents: row.total_cents,
    soldAt: row.sold_at,
    soldOffline: row.sold_offline === 1,
    cashierId: row.cashier_id,
    customerId: row.customer_id,
    lines: p.lines,
    vat: p.vat,
    payments: p.payments,
    changeCents: p.changeCents,
    signature: row.signature,
    integratedAt: row.integrated_at ?? null,
    original:
      row.original_register_id && row.original_number
        ? { registerId: row.original_register_id, number: row.original_number }
        : null,
    ...(p.giftCard ? { giftCard: p.giftCard } : {}),
  };
}

/** Most recent first (what a cashier looks for); `total` counts every ticket of the register. */
export async function listTickets(ctx: RegisterContext, page: { limit: number; offset: number }) {
  const registerId = ctx.identity?.registerId;
  if (!registerId) return { items: [], total: 0 };
  const rows = await baseQuery(ctx).orderBy('t.number', 'desc').limit(page.limit).offset(page.offset).execute();
  const { n } = await ctx.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows.map((r) => toTicket(registerId, r)), total: Number(n) };
}

export async function getTicket(ctx: RegisterContext, number: number): Promise<LocalTicket> {
  const registerId = ctx.identity?.registerId;
  const row = registerId ? await baseQuery(ctx).where('t.number', '=', number).executeTakeFirst() : undefined;
  if (!registerId || !row) throw new ComptoirError('NOT_FOUND', `No ticket numbered ${number}`);
  return toTicket(registerId, row);
}
