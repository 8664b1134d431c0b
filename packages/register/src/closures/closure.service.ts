import { businessDay, fiscalYearOf, monthOf, periodDays } from '@comptoir/domain';
import {
  ComptoirError,
  type ApprovedBy,
  type Closure,
  type ClosurePayload,
  type ClosurePayloadV2,
  type ClosurePeriod,
  type DayTotals,
  type TicketPayload,
} from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { requireApproval, type Approver } from '../auth/approval.service';
import { signArchive } from '../archives/archive.service';
import { appendRecord } from '../chain/record-chain';
import { recordEntries } from '../chain/record-entries';
import type { RegisterContext } from '../context';
import { readStoreCalendar, SOFTWARE, type StoreCalendar } from '../receipts/store-identity.service';
import { addTotals, NO_TICKETS, sumTickets } from '../reports/ticket-totals';
import { dayCashFields, signCount, type DrawerCount } from '../cash/drawer-day';

// Closures (Z) of a register, NF525 (docs/architecture.md §6, docs/nf525.md).
// Phases of every closing path (a manual Z, the first sale of a business day, the register's start),
// all inside the caller's ONE synchronous transaction:
//   1. the open tickets (after the last day closure's `lastTicket`) are grouped by business day
//      (store time zone, `businessDayCutoff`); a ticket whose day is already closed (sold after a Z
//      made before the cutoff) joins the next open day;
//   2. every open business day before today is closed by an automatic day Z (`auto: true`), one Z
//      per day, in date order;
//   3. before a day is closed, and before today is reached, every month / fiscal year that is over
//      is closed (the sum of its day closures), the month archived, then the fiscal year archived
//      (archive.service.ts);
//   4. a manual Z then closes today's business day (409 when it is already closed, or when the
//      register's date is before its last closure: a clock set back).
// Invariants: consecutive day closures cover consecutive ticket numbers with no gap and no overlap;
// never two business days in one Z; grandTotalCents = previous + totalCents; grandTotalAbsCents =
// previous + salesCents + returnsCents; a month's (year's) totals are its days' sums.

/** The register's latest closure of `period` (day by default), or null before its first one. */
export function lastClosure(ctx: RegisterContext, period: ClosurePeriod = 'day'): Closure | null {
  return recordEntries<ClosurePayload>(ctx, 'closure', "AND json_extract(r.payload, '$.period') = ? ORDER BY r.number DESC LIMIT 1", period)[0] ?? null;
}

/** Newest first, every period. */
export function listClosures(ctx: RegisterContext, limit: number): Closure[] {
  return recordEntries<ClosurePayload>(ctx, 'closure', 'ORDER BY r.number DESC LIMIT ?', limit);
}

/** Who signs a closure the register makes by itself at start (no cashier is there). */
export const SYSTEM_CASHIER = 'system';

type OpenTicket = { number: number; recordedAt: string; payload: TicketPayload };
export type OpenDay = { day: string; tickets: OpenTicket[] };

/**
 * The open business days (step 1): tickets after the last day closure, grouped by business day in
 * number order. `today` is the register's current business day; a ticket dated on or before the last
 * closed day joins the next open day (or today).
 */
export function openBusinessDays(ctx: RegisterContext, cal: StoreCalendar, today: string): OpenDay[] {
  const previous = lastClosure(ctx, 'day');
  const closedUpTo = previous?.payload.periodKey ?? '';
  const rows = ctx.sqlite
    .prepare("SELECT number, recorded_at, payload FROM records WHERE chain = 'ticket' AND number > ? ORDER BY number")
    .all(previous?.payload.lastTicket ?? 0) as { number: number; recorded_at: string; payload: string }[];
  const days = rows.map((r) => businessDay(new Date(r.recorded_at), cal.timezone, cal.cutoff));
  // Walk backwards: a ticket of a closed day takes the day of the next ticket of an open day.
  let carry = days.length > 0 && days[days.length - 1]! > today ? days[days.length - 1]! : today;
  for (let i = days.length - 1; i >= 0; i--) {
    if (days[i]! <= closedUpTo) days[i] = carry;
    else carry = days[i]!;
  }
  const groups: OpenDay[] = [];
  rows.forEach((r, i) => {
    const t = { number: r.number, recordedAt: r.recorded_at, payload: JSON.parse(r.payload) as TicketPayload };
    const last = groups[groups.length - 1];
    if (last && last.day === days[i]) last.tickets.push(t);
    else groups.push({ day: days[i]!, tickets: [t] });
  });
  return groups;
}

/** The register's current business day. */
export function currentBusinessDay(ctx: RegisterContext, cal: StoreCalendar = readStoreCalendar(ctx)): string {
  return businessDay(ctx.now(), cal.timezone, cal.cutoff);
}

// The business day up to which a register is known to be closed (steps 2–3 done), so that a sale
// pays for the check once per business day. Cleared when a transaction that set it rolls back.
const caughtUp = new WeakMap<RegisterContext, string>();

/**
 * Steps 2–3: closes every open business day before today and every period that is over. MUST run
 * inside the caller's transaction (a sale's, a Z's, the start's). Cheap when already done today.
 * Returns the closures signed (oldest first).
 */
export function closeOpenDays(ctx: RegisterContext, cashierId: string): Closure[] {
  const cal = readStoreCalendar(ctx);
  const today = currentBusinessDay(ctx, cal);
  if (caughtUp.get(ctx) === today) return [];
  const signed: Closure[] = [];
  for (const open of openBusinessDays(ctx, cal, today)) {
    if (open.day >= today) break;
    signed.push(...closePeriodsOver(ctx, cal, cashierId, open.day));
    signed.push(signDay(ctx, open, { auto: true, cashierId }));
  }
  signed.push(...closePeriodsOver(ctx, cal, cashierId, today));
  caughtUp.set(ctx, today);
  return signed;
}

/** Forget the catch-up mark (the transaction that set it rolled back). */
export function forgetCatchUp(ctx: RegisterContext): void {
  caughtUp.delete(ctx);
}

/**
 * Runs `work` in one transaction after closing the open days (a sale, a return): the automatic Zs
 * commit with it, or nothing does.
 */
export function withDaysClosed<T>(ctx: RegisterContext, cashierId: string, work: () => T): T {
  try {
    return ctx.sqlite.transaction(() => {
      closeOpenDays(ctx, cashierId);
      return work();
    })();
  } catch (e) {
    forgetCatchUp(ctx);
    throw e;
  }
}

/** Cash drawer figures a period closure carries (a day's: drawer-day.ts; a month's or year's: its days' sums). */
export type DayCash = Pick<ClosurePayloadV2, 'cashExpectedCents' | 'cashCountedCents' | 'cashDifferenceCents'>;

/**
 * Closes the day (manual Z) on this register, online or not: steps 1–4 in one transaction.
 * Answers the day closure of today's business day (automatic closures signed with it are in
 * `GET /api/closures`). A manual Z needs a manager: the one signed in, or `approver`
 * (approval.service.ts), signed with it when it is not the cashier.
 */
export function closeDay(ctx: RegisterContext, actor: Actor, count: DrawerCount | null = null, approver: Approver | null = null): Closure {
  const approved = requireApproval(approver, ['closure']);
  const approvedBy = approved && approved.cashierId !== actor.cashierId ? approved : undefined;
  const closure = (() => {
    try {
      return ctx.sqlite.transaction((): Closure => {
        closeOpenDays(ctx, actor.cashierId);
        const cal = readStoreCalendar(ctx);
        const today = currentBusinessDay(ctx, cal);
        const previous = lastClosure(ctx, 'day');
        if (previous && previous.payload.periodKey >= today) {
          throw new ComptoirError(
            'CONFLICT',
            previous.payload.periodKey === today
              ? `The business day ${today} is already closed on this register`
              : `The register's business day ${today} is before its last closure (${previous.payload.periodKey})`,
            { closure: previous.number, periodKey: previous.payload.periodKey },
          );
        }
        const open = openBusinessDays(ctx, cal, today).find((d) => d.day === today) ?? { day: today, tickets: [] };
        // The drawer's count, when one was made, is signed in the drawer chain just before the Z.
        const countedCents = count ? signCount(ctx, actor, today, count) : null;
        return signDay(ctx, open, { auto: false, cashierId: actor.cashierId, countedCents, ...(approvedBy ? { approvedBy } : {}) });
      })();
    } catch (e) {
      forgetCatchUp(ctx);
      throw e;
    }
  })();
  ctx.recordsAppended();
  return closure;
}

/** A day closure's totals, for either version (a v1 day carried no sales/returns split: recomputed from its tickets). */
function dayTotalsOf(ctx: RegisterContext, c: ClosurePayload): DayTotals {
  if (c.version === 2) return c;
  const { firstTicket, lastTicket } = c;
  if (firstTicket === null) return { ...c, ...pick(NO_TICKETS) };
  const split = sumTickets(ticketPayloads(ctx, firstTicket - 1, lastTicket));
  return { ...c, ...pick(split) };
}
function pick(t: DayTotals): Pick<DayTotals, 'salesCents' | 'returnsCents' | 'vatSales' | 'vatReturns'> {
  return { salesCents: t.salesCents, returnsCents: t.returnsCents, vatSales: t.vatSales, vatReturns: t.vatReturns };
}

function ticketPayloads(ctx: RegisterContext, after: number, upTo: number): TicketPayload[] {
  return (
    ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number > ? AND number <= ? ORDER BY number").all(after, upTo) as {
      payload: string;
    }[]
  ).map((r) => JSON.parse(r.payload) as TicketPayload);
}

/** The perpetual absolute grand total through a closure (a v1 closure did not carry it: recomputed from the tickets). */
function grandTotalAbsOf(ctx: RegisterContext, c: ClosurePayload | undefined): number {
  if (!c) return 0;
  if (c.version === 2) return c.grandTotalAbsCents;
  const t = sumTickets(ticketPayloads(ctx, 0, c.lastTicket));
  return t.salesCents + t.returnsCents;
}

/** Signs the day closure of one open business day (its tickets, by number, after the previous day closure). */
function signDay(ctx: RegisterContext, open: OpenDay, opts: { auto: boolean; cashierId: string; countedCents?: number | null; approvedBy?: ApprovedBy }): Closure {
  const previous = lastClosure(ctx, 'day')?.payload;
  const after = previous?.lastTicket ?? 0;
  const totals = sumTickets(open.tickets.map((t) => t.payload));
  const lastTicket = open.tickets.length > 0 ? open.tickets[open.tickets.length - 1]!.number : after;
  return sign(ctx, {
    type: 'closure',
    version: 2,
    period: 'day',
    periodKey: open.day,
    auto: opts.auto,
    firstTicket: open.tickets.length > 0 ? open.tickets[0]!.number : null,
    lastTicket,
    ...totals,
    grandTotalCents: (previous?.grandTotalCents ?? 0) + totals.totalCents,
    grandTotalAbsCents: grandTotalAbsOf(ctx, previous) + totals.salesCents + totals.returnsCents,
    ...dayCashFields(ctx, open.day, totals, opts.countedCents ?? null, previous?.periodKey ?? ''),
    softwareVersion: `${SOFTWARE.name} ${SOFTWARE.version}`,
    cashierId: opts.cashierId,
    ...(opts.approvedBy ? { approvedBy: opts.approvedBy } : {}),
  });
}

/**
 * Step 3: before `day` (a business day about to be closed, or today), closes the month and the
 * fiscal year of the last day closure when they are over, then archives that month and that
 * fiscal year. Months and years close in order, once each; a month without any day closure has no closure.
 */
function closePeriodsOver(ctx: RegisterContext, cal: StoreCalendar, cashierId: string, day: string): Closure[] {
  const lastDay = lastClosure(ctx, 'day');
  if (!lastDay) return [];
  const month = monthOf(lastDay.payload.periodKey);
  if (month >= monthOf(day) || lastClosure(ctx, 'month')?.payload.periodKey === month) return [];
  const signed = [signPeriod(ctx, cal, cashierId, 'month', month)];
  const year = fiscalYearOf(lastDay.payload.periodKey, cal.fiscalYearStartMonth);
  const yearOver = year < fiscalYearOf(day, cal.fiscalYearStartMonth) && lastClosure(ctx, 'year')?.payload.periodKey !== year;
  if (yearOver) signed.push(signPeriod(ctx, cal, cashierId, 'year', year));
  // The closed month is archived with its closures: its tickets, and every other record signed since the previous archive.
  signArchive(ctx, month, ctx.now(), lastDay.payload.lastTicket);
  // Then the closed fiscal year: every record since the previous fiscal-year archive, this month's archive included.
  if (yearOver) signArchive(ctx, year, ctx.now(), lastDay.payload.lastTicket);
  return signed;
}

/** Signs the closure of a month (YYYY-MM) or a fiscal year (YYYY): the sum of its day closures, in order. */
function signPeriod(ctx: RegisterContext, cal: StoreCalendar, cashierId: string, period: 'month' | 'year', key: string): Closure {
  const { from, until } = periodDays(key, cal.fiscalYearStartMonth);
  const days = recordEntries<ClosurePayload>(
    ctx,
    'closure',
    "AND json_extract(r.payload, '$.period') = 'day' AND json_extract(r.payload, '$.periodKey') >= ? AND json_extract(r.payload, '$.periodKey') < ? ORDER BY r.number",
    from,
    until,
  );
  const totals = days.reduce((acc, d) => addTotals(acc, dayTotalsOf(ctx, d.payload)), NO_TICKETS);
  const lastDay = days[days.length - 1]!.payload;
  return sign(ctx, {
    type: 'closure',
    version: 2,
    period,
    periodKey: key,
    auto: true,
    firstTicket: days.find((d) => d.payload.firstTicket !== null)?.payload.firstTicket ?? null,
    lastTicket: lastDay.lastTicket,
    ...totals,
    grandTotalCents: lastDay.grandTotalCents,
    grandTotalAbsCents: grandTotalAbsOf(ctx, lastDay),
    ...sumCash(days.map((d) => d.payload)),
    softwareVersion: `${SOFTWARE.name} ${SOFTWARE.version}`,
    cashierId,
  });
}

/** A period's cash figures: the sums of its days' (null when no day carried any). */
function sumCash(days: readonly ClosurePayload[]): DayCash {
  const sum = (k: keyof DayCash): number | null => {
    const values = days.map((d) => (d.version === 2 ? d[k] : null)).filter((v): v is number => v !== null);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
  };
  return { cashExpectedCents: sum('cashExpectedCents'), cashCountedCents: sum('cashCountedCents'), cashDifferenceCents: sum('cashDifferenceCents') };
}

function sign(ctx: RegisterContext, payload: ClosurePayloadV2): Closure {
  const appended = appendRecord(ctx, 'closure', payload, ctx.now().toISOString());
  return { number: appended.number, recordedAt: appended.recordedAt, signature: appended.signature, integratedAt: null, payload };
}

