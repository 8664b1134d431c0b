import type { DashboardResponse, DashboardStore, PaymentMethod } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { paymentsNetOfChange } from '@comptoir/domain';
import { wallClock, wallDay } from '@comptoir/domain/business-day';
import { assertStoreNamed, whereStoreIn } from '../stores/store-scope';

/** The local calendar day and hour of an instant in a time zone (the domain's cached wall clock: called per ticket). */
export function localDayHour(iso: string, timeZone: string): { day: string; hour: number } {
  const w = wallClock(new Date(iso), timeZone);
  return { day: wallDay(w), hour: w.hour };
}

/**
 * Sales of one local day per store (the store's time zone; the day asked, else each store's today): ticket count, total, per local hour,
 * and the day's offline tickets with their integration delay (integrated − sold). Phases: read the
 * tickets sold within ±1 day of the UTC day (covers every time zone), keep those of the local day.
 */
export async function dashboard(ctx: Ctx, query: { date?: string | undefined; storeId?: string | undefined }): Promise<DashboardResponse> {
  if (query.storeId) assertStoreNamed(ctx, query.storeId);
  let storesQ = whereStoreIn(ctx, ctx.db.selectFrom('stores').selectAll().orderBy('name'), 'id');
  if (query.storeId) storesQ = storesQ.where('id', '=', query.storeId);
  const stores = await storesQ.execute();
  const now = ctx.clock().toISOString();
  // No day asked: each store's own today (a store in Martinique is still on yesterday at 02:00 in Paris).
  const dayOf = (timezone: string) => query.date ?? localDayHour(now, timezone).day;
  const out: DashboardStore[] = [];
  for (const s of stores) {
    const date = dayOf(s.timezone);
    const start = new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString();
    const end = new Date(Date.parse(`${date}T00:00:00.000Z`) + 2 * 86_400_000).toISOString();
    const rows = await ctx.db
      .selectFrom('tickets')
      // A gift card's sale (§25) is no turnover: told apart by the card it issued.
      .leftJoin('credit_notes as g', (j) => j.onRef('g.register_id', '=', 'tickets.register_id').onRef('g.return_number', '=', 'tickets.number').on('g.kind', '=', 'gift_card'))
      .select(['tickets.register_id', 'tickets.number', 'tickets.total_cents', 'tickets.sold_at', 'tickets.integrated_at', 'tickets.sold_offline', 'g.amount_cents as gift_card_cents'])
      .where('tickets.store_id', '=', s.id)
      .where('tickets.sold_at', '>=', start)
      .where('tickets.sold_at', '<', end)
      .execute();
    let giftCardsIssuedCents = 0;
    let giftCardsIssued = 0;
    const perHour = Array.from({ length: 24 }, (_, hour) => ({ hour, tickets: 0, totalCents: 0 }));
    let tickets = 0;
    let totalCents = 0;
    const delays: number[] = [];
    const ofDay = new Map<string, number>(); // `${registerId}:${number}` → total, the day's tickets
    const byRegister = new Map<string, { tickets: number; totalCents: number }>();
    for (const r of rows) {
      const { day, hour } = localDayHour(r.sold_at, s.timezone);
      if (day !== date) continue;
      if (r.gift_card_cents !== null) {
        giftCardsIssuedCents += Number(r.gift_card_cents);
        giftCardsIssued += 1;
        if (Number(r.sold_offline) === 1) delays.push(Math.max(0, Date.parse(r.integrated_at) - Date.parse(r.sold_at)));
        continue;
      }
      ofDay.set(`${r.register_id}:${Number(r.number)}`, Number(r.total_cents));
      const reg = byRegister.get(r.register_id) ?? { tickets: 0, totalCents: 0 };
      reg.tickets += 1;
      reg.totalCents += Number(r.total_cents);
      byRegister.set(r.register_id, reg);
      tickets += 1;
      totalCents += Number(r.total_cents);
      perHour[hour]!.tickets += 1;
      perHour[hour]!.totalCents += Number(r.total_cents);
      if (Number(r.sold_offline) === 1) delays.push(Math.max(0, Date.parse(r.integrated_at) - Date.parse(r.sold_at)));
    }
    const breakdowns = await dayBreakdowns(ctx, s.id, start, end, ofDay);
    const names = new Map((await ctx.db.selectFrom('registers').select(['id', 'name']).where('store_id', '=', s.id).execute()).map((r) => [r.id, r.name]));
    out.push({
      storeId: s.id,
      storeName: s.name,
      timezone: s.timezone,
      date,
      tickets,
      totalCents,
      giftCardsIssuedCents,
      giftCardsIssued,
      perHour,
      offlineTickets: delays.length,
      offlineDelayMs: delays.length ? { max: Math.max(...delays), avg: Math.round(delays.reduce((a, b) => a + b, 0) / delays.length) } : null,
      byRegister: [...byRegister]
        .map(([registerId, v]) => ({ registerId, name: names.get(registerId) ?? registerId, ...v }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      ...breakdowns,
    });
  }
  return { date: dayOf(stores[0]?.timezone ?? 'UTC'), stores: out };
}

/**
 * The day's breakdowns by payment method, category and product, over the tickets of `ofDay`
 * (read in the same ±1 day window, kept when the ticket belongs to the local day).
 */
async function dayBreakdowns(
  ctx: Ctx,
  storeId: string,
  start: string,
  end: string,
  ofDay: Map<string, number>,
): Promise<Pick<DashboardStore, 'byMethod' | 'byCategory' | 'topProducts'>> {
  if (ofDay.size === 0) return { byMethod: [], byCategory: [], topProducts: [] };
  const payments = await ctx.db
    .selectFrom('ticket_payments as p')
    .innerJoin('tickets as t', (j) => j.onRef('t.register_id', '=', 'p.register_id').onRef('t.number', '=', 'p.number'))
    .select(['p.register_id', 'p.number', 'p.method', 'p.amount_cents'])
    .where('t.store_id', '=', storeId)
    .where('t.sold_at', '>=', start)
    .where('t.sold_at', '<', end)
    .orderBy('p.register_id')
    .orderBy('p.number')
    .orderBy('p.seq')
    .execute();
  const perTicket = new Map<string, { method: PaymentMethod; amountCents: number }[]>();
  for (const p of payments) {
    const key = `${p.register_id}:${Number(p.number)}`;
    if (!ofDay.has(key)) continue;
    perTicket.set(key, [...(perTicket.get(key) ?? []), { method: p.method as PaymentMethod, amountCents: Number(p.amount_cents) }]);
  }
  const byMethod = new Map<string, number>();
  for (const [key, list] of perTicket) {
    for (const p of paymentsNetOfChange(ofDay.get(key)!, list)) byMethod.set(p.method, (byMethod.get(p.method) ?? 0) + p.amountCents);
  }

  const lines = await ctx.db
    .selectFrom('ticket_lines as l')
    .innerJoin('tickets as t', (j) => j.onRef('t.register_id', '=', 'l.register_id').onRef('t.number', '=', 'l.number'))
    .leftJoin('products as pr', 'pr.sku', 'l.sku')
    .select(['l.register_id', 'l.number', 'l.sku', 'l.label', 'l.quantity', 'l.total_cents', 'pr.category'])
    .where('t.store_id', '=', storeId)
    .where('t.sold_at', '>=', start)
    .where('t.sold_at', '<', end)
    .execute();
  const byCategory = new Map<string, { quantity: number; totalCents: number }>();
  const bySku = new Map<string, { label: string; quantity: number; totalCents: number }>();
  for (const l of lines) {
    if (!ofDay.has(`${l.register_id}:${Number(l.number)}`)) continue;
    const [quantity, total] = [Number(l.quantity), Number(l.total_cents)];
    const cat = byCategory.get(l.category ?? '') ?? { quantity: 0, totalCents: 0 };
    cat.quantity += quantity;
    cat.totalCents += total;
    byCategory.set(l.category ?? '', cat);
    const prod = bySku.get(l.sku) ?? { label: l.label, quantity: 0, totalCents: 0 };
    prod.quantity += quantity;
    prod.totalCents += total;
    bySku.set(l.sku, prod);
  }
  return {
    byMethod: [...byMethod].map(([method, amountCents]) => ({ method, amountCents })).sort((a, b) => b.amountCents - a.amountCents),
    byCategory: [...byCategory].map(([category, v]) => ({ category, ...v })).sort((a, b) => b.totalCents - a.totalCents),
    topProducts: [...bySku]
      .map(([sku, v]) => ({ sku, ...v }))
      .sort((a, b) => b.totalCents - a.totalCents || a.sku.localeCompare(b.sku))
      .slice(0, 10),
  };
}
