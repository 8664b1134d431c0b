import { ComptoirError, type Closure, type ClosurePayload, type TicketPayload } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { readStoreIdentity } from '../receipts/store-identity.service';
import { sumTickets } from '../reports/ticket-totals';

type ClosureRow = { number: number; recorded_at: string; payload: string; signature: string; integrated_at: string | null };

const toClosure = (r: ClosureRow): Closure => ({
  number: r.number,
  recordedAt: r.recorded_at,
  signature: r.signature,
  integratedAt: r.integrated_at,
  payload: JSON.parse(r.payload) as ClosurePayload,
});

const SELECT_CLOSURES = `SELECT r.number, r.recorded_at, r.payload, r.signature, i.integrated_at FROM records r
  LEFT JOIN integrations i ON i.chain = r.chain AND i.number = r.number WHERE r.chain = 'closure'`;

/** The register's latest closure, or null before its first one. */
export function lastClosure(ctx: RegisterContext): Closure | null {
  const row = ctx.sqlite.prepare(`${SELECT_CLOSURES} ORDER BY r.number DESC LIMIT 1`).get() as ClosureRow | undefined;
  return row ? toClosure(row) : null;
}

/** Newest first. */
export function listClosures(ctx: RegisterContext, limit: number): Closure[] {
  return (ctx.sqlite.prepare(`${SELECT_CLOSURES} ORDER BY r.number DESC LIMIT ?`).all(limit) as ClosureRow[]).map(toClosure);
}

/** The store-local calendar date (YYYY-MM-DD) of an instant. */
export function businessDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Closes the day (Z) on this register, online or not. One synchronous transaction, so that no
 * ticket can be written between reading the totals and signing the closure:
 *  1. the previous closure (its last ticket, its grand total) and the ticket chain's head;
 *  2. one day closure per business date: a second one is refused (409 CONFLICT, nothing written);
 *  3. the tickets after the previous closure up to the head are summed from their signed payloads,
 *     and the closure is signed into the `closure` chain with its outbox row.
 * Invariants: consecutive closures cover consecutive ticket numbers with no gap and no overlap;
 * grandTotalCents = previous grandTotalCents + totalCents.
 */
export function closeDay(ctx: RegisterContext, actor: Actor): Closure {
  const store = readStoreIdentity(ctx);
  const closure = ctx.sqlite.transaction((): Closure => {
    const now = ctx.now();
    const date = businessDate(now, store.timezone);
    const previous = lastClosure(ctx);
    if (previous?.payload.businessDate === date) {
      throw new ComptoirError('CONFLICT', `The day ${date} is already closed on this register`, { closure: previous.number, businessDate: date });
    }
    const after = previous?.payload.lastTicket ?? 0;
    const head = ctx.q.chainHead.get('ticket')?.number ?? 0;
    const tickets = (
      ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'ticket' AND number > ? AND number <= ? ORDER BY number").all(after, head) as {
        payload: string;
      }[]
    ).map((r) => JSON.parse(r.payload) as TicketPayload);
    const totals = sumTickets(tickets);
    const payload: ClosurePayload = {
      type: 'closure',
      period: 'day',
      businessDate: date,
      firstTicket: head > after ? after + 1 : null,
      lastTicket: head,
      ...totals,
      grandTotalCents: (previous?.payload.grandTotalCents ?? 0) + totals.totalCents,
      cashierId: actor.cashierId,
    };
    const appended = appendRecord(ctx, 'closure', payload, now.toISOString());
    return { number: appended.number, recordedAt: appended.recordedAt, signature: appended.signature, integratedAt: null, payload };
  })();
  ctx.recordsAppended();
  return closure;
}
