import { addDays } from '@comptoir/domain';
import { ComptoirError, type CashMovementPayload, type CashMovementRequest, type DrawerState } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { requireApproval, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import { recordEntries, type RecordEntry } from '../chain/record-entries';
import { currentBusinessDay, lastClosure, openBusinessDays, withDaysClosed } from '../closures/closure.service';
import type { RegisterContext } from '../context';
import { readStoreCalendar } from '../receipts/store-identity.service';
import { sumTickets } from '../reports/ticket-totals';
import { drawerSums, movementsOf, ticketCashOf } from './drawer-day';

// The cash drawer of a register (issue 11), online and offline: every movement is a signed record
// of the register's `drawer` chain, pushed like any record.
// Phases of a movement, in ONE synchronous transaction: close the business days left open (their
// automatic Z), take the day the movement belongs to (today, or — once today's Z is signed — the
// next business day, like a ticket sold after the Z: the shop keeps selling and its drawer with it),
// check the movement (one float per day; a paid-out never takes more than the drawer
// holds; a paid-out needs a manager's approval, whose `approvedBy` is signed in the record), sign it. The count made at closing is signed by the Z's own transaction (closure.service).

export type Movement = RecordEntry<CashMovementPayload>;

/** The business day a movement made now belongs to, and the previous day closure's day. */
function drawerDay(ctx: RegisterContext, today: string): { day: string; afterDay: string; closed: boolean } {
  const last = lastClosure(ctx, 'day')?.payload.periodKey ?? '';
  const closed = last !== '' && last >= today;
  return { day: closed ? addDays(last, 1) : today, afterDay: last, closed };
}

/**
 * What the drawer holds now: the movements and the net cash of the open tickets of the day the next
 * Z closes (today; once today's Z is signed, the next business day, which the tickets sold since join).
 */
export function drawerState(ctx: RegisterContext): DrawerState {
  const cal = readStoreCalendar(ctx);
  const { day, afterDay, closed } = drawerDay(ctx, currentBusinessDay(ctx, cal));
  const movements = movementsOf(ctx, day, afterDay);
  const sums = drawerSums(movements);
  const open = openBusinessDays(ctx, cal, day).find((d) => d.day === day);
  const ticketCashCents = open ? ticketCashOf(sumTickets(open.tickets.map((t) => t.payload))) : 0;
  return {
    day,
    closed,
    floatSet: sums.floatSet,
    floatCents: sums.floatCents,
    inCents: sums.inCents,
    outCents: sums.outCents,
    ticketCashCents,
    expectedCents: sums.movementsCents + ticketCashCents,
    movements: movements.map(toMovement),
    lastCount: lastCountOf(ctx),
  };
}

function lastCountOf(ctx: RegisterContext): DrawerState['movements'][number] | null {
  const last = recordEntries<CashMovementPayload>(ctx, 'drawer', "AND json_extract(r.payload, '$.kind') = 'count' ORDER BY r.number DESC LIMIT 1")[0];
  return last ? toMovement(last) : null;
}

export function toMovement(m: Movement): DrawerState['movements'][number] {
  return { number: m.number, recordedAt: m.recordedAt, signature: m.signature, integratedAt: m.integratedAt, payload: m.payload };
}

/** Records a float, a paid-in or a paid-out (approved by a manager); answers the signed record. */
export function recordMovement(ctx: RegisterContext, actor: Actor, req: CashMovementRequest, approver: Approver | null): DrawerState['movements'][number] {
  const entry = withDaysClosed(ctx, actor.cashierId, () => {
    const state = drawerState(ctx);
    const day = state.day;
    if (req.kind === 'float' && state.floatSet) {
      throw new ComptoirError('CONFLICT', `The opening float of ${day} is already recorded; put cash in with a paid-in`, { day });
    }
    if (req.kind === 'out' && req.amountCents > state.expectedCents) {
      throw new ComptoirError('BAD_REQUEST', `The drawer should hold ${state.expectedCents} cents: a paid-out of ${req.amountCents} cents is more than that`, {
        expectedCents: state.expectedCents,
      });
    }
    const approvedBy = requireApproval(approver, req.kind === 'out' ? ['paid_out'] : []);
    const payload: CashMovementPayload = {
      type: 'cash_movement',
      kind: req.kind,
      amountCents: req.amountCents,
      reason: req.reason,
      day,
      cashierId: actor.cashierId,
      denominations: [],
      ...(approvedBy ? { approvedBy } : {}),
    };
    const appended = appendRecord(ctx, 'drawer', payload, ctx.now().toISOString());
    return { number: appended.number, recordedAt: appended.recordedAt, signature: appended.signature, integratedAt: null, payload };
  });
  ctx.recordsAppended();
  return entry;
}
