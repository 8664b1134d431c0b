import type { DashboardResponse, DashboardStore } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { assertStoreNamed, whereStoreIn } from '../stores/store-scope';

/** The local calendar day and hour of an instant in a time zone. */
export function localDayHour(iso: string, timeZone: string): { day: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/**
 * Sales of one local day per store (the store's time zone): ticket count, total, per local hour,
 * and the day's offline tickets with their integration delay (integrated − sold). Phases: read the
 * tickets sold within ±1 day of the UTC day (covers every time zone), keep those of the local day.
 */
export async function dashboard(ctx: Ctx, query: { date?: string | undefined; storeId?: string | undefined }): Promise<DashboardResponse> {
  if (query.storeId) assertStoreNamed(ctx, query.storeId);
  let storesQ = whereStoreIn(ctx, ctx.db.selectFrom('stores').selectAll().orderBy('name'), 'id');
  if (query.storeId) storesQ = storesQ.where('id', '=', query.storeId);
  const stores = await storesQ.execute();
  const now = ctx.clock().toISOString();
  const date = query.date ?? localDayHour(now, stores[0]?.timezone ?? 'UTC').day;
  const start = new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString();
  const end = new Date(Date.parse(`${date}T00:00:00.000Z`) + 2 * 86_400_000).toISOString();
  const out: DashboardStore[] = [];
  for (const s of stores) {
    const rows = await ctx.db
      .selectFrom('tickets')
      .select(['total_cents', 'sold_at', 'integrated_at', 'sold_offline'])
      .where('store_id', '=', s.id)
      .where('sold_at', '>=', start)
      .where('sold_at', '<', end)
      .execute();
    const perHour = Array.from({ length: 24 }, (_, hour) => ({ hour, tickets: 0, totalCents: 0 }));
    let tickets = 0;
    let totalCents = 0;
    const delays: number[] = [];
    for (const r of rows) {
      const { day, hour } = localDayHour(r.sold_at, s.timezone);
      if (day !== date) continue;
      tickets += 1;
      totalCents += Number(r.total_cents);
      perHour[hour]!.tickets += 1;
      perHour[hour]!.totalCents += Number(r.total_cents);
      if (Number(r.sold_offline) === 1) delays.push(Math.max(0, Date.parse(r.integrated_at) - Date.parse(r.sold_at)));
    }
    out.push({
      storeId: s.id,
      storeName: s.name,
      timezone: s.timezone,
      tickets,
      totalCents,
      perHour,
      offlineTickets: delays.length,
      offlineDelayMs: delays.length ? { max: Math.max(...delays), avg: Math.round(delays.reduce((a, b) => a + b, 0) / delays.length) } : null,
    });
  }
  return { date, stores: out };
}
