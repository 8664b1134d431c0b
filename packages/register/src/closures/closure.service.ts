import { ComptoirError, type Closure, type ClosurePayload, type ClosurePeriod, type TicketPayload } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { signArchive } from '../archives/archive.service';
import { appendRecord } from '../chain/record-chain';
import { recordEntries } from '../chain/record-entries';
import type { RegisterContext } from '../context';
import { readStoreIdentity } from '../receipts/store-identity.service';
import { addTotals, NO_TICKETS, sumTickets } from '../reports/ticket-totals';

/** The register's latest closure of `period` (day by default), or null before its first one. */
export function lastClosure(ctx: RegisterContext, period: ClosurePeriod = 'day'): Closure | null {
  return recordEntries<ClosurePayload>(ctx, 'closure', "AND json_extract(r.payload, '$.period') = ? ORDER BY r.number DESC LIMIT 1", period)[0] ?? null;
}

/** Newest first, every period. */
export function listClosures(ctx: RegisterContext, limit: number): Closure[] {
  return recordEntries<ClosurePayload>(ctx, 'closure', 'ORDER BY r.number DESC LIMIT ?', limit);
}

/** The store-local calendar date (YYYY-MM-DD) of an instant. */
export function businessDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Closes the day (Z) on this register, online or not. One synchronous transaction, so that no
 * ticket can be written between reading the totals and signing:
 *  1. the previous day closure (its date, last ticket, grand total) and the ticket chain's head;
 *  2. one day closure per business date, in date order: the same date again, or a date before the
 *     previous one (a clock set back), is refused (409 CONFLICT, nothing written);
 *  3. when a month (a year) began since the previous day closure, that month (year) is closed
 *     first: the sum of its day closures; then the month is archived (archive.service.ts);
 *  4. the tickets after the previous day closure up to the head are summed from their signed
 *     payloads, and the day closure is signed into the `closure` chain with its outbox row.
 * Invariants: consecutive day closures cover consecutive ticket numbers with no gap and no overlap;
 * grandTotalCents = previous grandTotalCents + totalCents; a month's totals are its days' sums.
 * Answers the day closure (the period closures signed with it are in `GET /api/closures`).
 */
export function closeDay(ctx: RegisterContext, actor: Actor): Closure {
  const store = readStoreIdentity(ctx);
  const closure = ctx.sqlite.transaction((): Closure => {
    const now = ctx.now();
    const date = businessDate(now, store.timezone);
    const previous = lastClosure(ctx, 'day');
    if (previous && previous.payload.periodKey >= date) {
      throw new ComptoirError(
        'CONFLICT',
        previous.payload.periodKey === date
          ? `The day ${date} is already closed on this register`
          : `The register's date ${date} is before its last closure (${previous.payload.periodKey})`,
        { closure: previous.number, periodKey: previous.payload.periodKey },
      );
    }
    if (previous) {
      const last = previous.payload.periodKey;
      const monthEnded = last.slice(0, 7) !== date.slice(0, 7);
      if (monthEnded) signPeriod(ctx, actor, 'month', last.slice(0, 7), now);
      if (last.slice(0, 4) !== date.slice(0, 4)) signPeriod(ctx, actor, 'year', last.slice(0, 4), now);
      // The closed month is archived with its closures: its tickets, and every other record signed since the previous archive.
      if (monthEnded) signArchive(ctx, last.slice(0, 7), now, previous.payload.lastTicket);
    }
    const after = previous?.payload.lastTicket ?? 0;
    const head = ctx.q.chainHead.get('ticket')?.number ?? 0;
    const tickets = (
      ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number > ? AND number <= ? ORDER BY number").all(after, head) as {
        payload: string;
      }[]
    ).map((r) => JSON.parse(r.payload) as TicketPayload);
    const totals = sumTickets(tickets);
    return sign(ctx, now, {
      type: 'closure',
      period: 'day',
      periodKey: date,
      firstTicket: head > after ? after + 1 : null,
      lastTicket: head,
      ...totals,
      grandTotalCents: (previous?.payload.grandTotalCents ?? 0) + totals.totalCents,
      cashierId: actor.cashierId,
    });
  })();
  ctx.recordsAppended();
  return closure;
}

/** Signs the closure of a month (YYYY-MM) or a year (YYYY): the sum of its day closures, in order. */
function signPeriod(ctx: RegisterContext, actor: Actor, period: 'month' | 'year', key: string, now: Date): Closure {
  const days = recordEntries<ClosurePayload>(
    ctx,
    'closure',
    "AND json_extract(r.payload, '$.period') = 'day' AND substr(json_extract(r.payload, '$.periodKey'), 1, ?) = ? ORDER BY r.number",
    key.length,
    key,
  );
  const totals = days.reduce((acc, d) => addTotals(acc, d.payload), NO_TICKETS);
  const lastDay = days[days.length - 1]!.payload;
  return sign(ctx, now, {
    type: 'closure',
    period,
    periodKey: key,
    firstTicket: days.find((d) => d.payload.firstTicket !== null)?.payload.firstTicket ?? null,
    lastTicket: lastDay.lastTicket,
    ...totals,
    grandTotalCents: lastDay.grandTotalCents,
    cashierId: actor.cashierId,
  });
}

function sign(ctx: RegisterContext, now: Date, payload: ClosurePayload): Closure {
  const appended = appendRecord(ctx, 'closure', payload, now.toISOString());
  return { number: appended.number, recordedAt: appended.recordedAt, signature: appended.signature, integratedAt: null, payload };
}
