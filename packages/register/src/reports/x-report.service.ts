import { ComptoirError, type XReport } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { currentBusinessDay, lastClosure, openBusinessDays } from '../closures/closure.service';
import { readStoreCalendar } from '../receipts/store-identity.service';
import { sumTickets } from './ticket-totals';

/**
 * X report: the running totals of exactly what the next Z will close — the tickets of the current
 * business day not closed yet (closure.service.ts groups them). Earlier business days still open are
 * not in it: the next sale or Z closes them first, each in its own automatic Z (`openDaysBefore`
 * says how many). Read-only: an X report is not a closure.
 */
export function xReport(ctx: RegisterContext): XReport {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const cal = readStoreCalendar(ctx);
  const now = ctx.now();
  const today = currentBusinessDay(ctx, cal);
  const open = openBusinessDays(ctx, cal, today);
  const mine = open.find((d) => d.day === today)?.tickets ?? [];
  const last = lastClosure(ctx);
  return {
    registerId: identity.registerId,
    registerName: identity.registerName,
    businessDay: today,
    openDaysBefore: open.filter((d) => d.day < today).length,
    from: mine[0]?.recordedAt ?? last?.recordedAt ?? now.toISOString(),
    at: now.toISOString(),
    ...sumTickets(mine.map((t) => t.payload)),
  };
}
