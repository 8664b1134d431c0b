import { ComptoirError, type PaymentMethod, type TicketPayload, type XReport } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { readStoreIdentity } from '../receipts/store-identity.service';

/** The UTC instant of midnight, in time zone `tz`, of the day that contains `at`. */
export function startOfLocalDay(at: Date, tz: string): Date {
  const parts = (t: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(t)
        .map((x) => [x.type, Number(x.value)]),
    ) as Record<string, number>;
    return p;
  };
  const offsetAt = (t: Date) => {
    const p = parts(t);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(t.getTime() / 1000) * 1000;
  };
  const p = parts(at);
  const guess = Date.UTC(p.year!, p.month! - 1, p.day!);
  // Two passes: the offset at midnight may differ from the offset now (DST change during the day).
  const first = guess - offsetAt(at);
  return new Date(guess - offsetAt(new Date(first)));
}

/**
 * X report: running totals of the register's tickets since the last closure (`closure` chain) or
 * the start of the store's day, whichever is later. Read-only: an X report is not a closure.
 * Sums come from the signed ticket payloads (the legal facts), not from derived tables.
 */
export function xReport(ctx: RegisterContext): XReport {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const store = readStoreIdentity(ctx);
  const now = ctx.now();
  const lastClosure = ctx.sqlite
    .prepare("SELECT recorded_at FROM records WHERE chain = 'closure' ORDER BY number DESC LIMIT 1")
    .get() as { recorded_at: string } | undefined;
  const dayStart = startOfLocalDay(now, store.timezone).toISOString();
  const from = lastClosure && lastClosure.recorded_at > dayStart ? lastClosure.recorded_at : dayStart;
  const rows = ctx.sqlite
    .prepare("SELECT payload FROM records WHERE chain = 'ticket' AND recorded_at >= ? ORDER BY number")
    .all(from) as { payload: string }[];

  let saleCount = 0;
  let returnCount = 0;
  let totalCents = 0;
  const payments = new Map<PaymentMethod, { amountCents: number; count: number }>();
  const vat = new Map<number, { baseCents: number; vatCents: number; totalCents: number }>();
  for (const { payload } of rows) {
    const t = JSON.parse(payload) as TicketPayload;
    if (t.kind === 'sale') saleCount++;
    else returnCount++;
    totalCents += t.totalCents;
    const seen = new Set<PaymentMethod>();
    for (const p of t.payments) {
      const acc = payments.get(p.method) ?? { amountCents: 0, count: 0 };
      acc.amountCents += p.amountCents;
      if (!seen.has(p.method)) acc.count++;
      seen.add(p.method);
      payments.set(p.method, acc);
    }
    // Change is given back in cash: the drawer holds cash paid minus change.
    if (t.changeCents > 0) {
      const cash = payments.get('cash') ?? { amountCents: 0, count: 0 };
      cash.amountCents -= t.changeCents;
      payments.set('cash', cash);
    }
    for (const v of t.vat) {
      const acc = vat.get(v.rate) ?? { baseCents: 0, vatCents: 0, totalCents: 0 };
      acc.baseCents += v.baseCents;
      acc.vatCents += v.vatCents;
      acc.totalCents += v.totalCents;
      vat.set(v.rate, acc);
    }
  }
  return {
    registerId: identity.registerId,
    registerName: identity.registerName,
    from,
    at: now.toISOString(),
    ticketCount: rows.length,
    saleCount,
    returnCount,
    totalCents,
    payments: [...payments].sort(([a], [b]) => a.localeCompare(b)).map(([method, v]) => ({ method, ...v })),
    vat: [...vat].sort(([a], [b]) => b - a).map(([rate, v]) => ({ rate, ...v })),
  };
}
