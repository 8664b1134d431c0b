import { ComptoirError, type TicketPayload, type XReport } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { lastClosure } from '../closures/closure.service';
import { readStoreIdentity } from '../receipts/store-identity.service';
import { sumTickets } from './ticket-totals';

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
 * X report: running totals of the register's tickets made after the last closure (by ticket number)
 * and since the start of the store's day. Read-only: an X report is not a closure.
 */
export function xReport(ctx: RegisterContext): XReport {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const store = readStoreIdentity(ctx);
  const now = ctx.now();
  const last = lastClosure(ctx);
  const dayStart = startOfLocalDay(now, store.timezone).toISOString();
  const from = last && last.recordedAt > dayStart ? last.recordedAt : dayStart;
  const rows = ctx.sqlite
    .prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number > ? AND recorded_at >= ? ORDER BY number")
    .all(last?.payload.lastTicket ?? 0, dayStart) as { payload: string }[];
  return {
    registerId: identity.registerId,
    registerName: identity.registerName,
    from,
    at: now.toISOString(),
    ...sumTickets(rows.map((r) => JSON.parse(r.payload) as TicketPayload)),
  };
}
