import { ComptoirError, type CashMovementPayload, type CashMovementRequest, type DrawerState } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { requireApproval, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import type { RecordEntry } from '../chain/record-entries';
import { currentBusinessDay, lastClosure, openBusinessDays, withDaysClosed } from '../closures/closure.service';
import type { RegisterContext } from '../context';
import { readStoreCalendar } from '../receipts/store-identity.service';
import { sumTickets } from '../reports/ticket-totals';
import { drawerSums, movementsOf, ticketCashOf } from './drawer-day';

// The cash drawer of a register (issue 11), online and offline: every movement is a signed record
// of the register's `drawer` chain, pushed like any record.
// Phases of a movement, in ONE synchronous transaction: close the business days left open (their
// automatic Z), check today is not closed yet (after the Z the drawer opens again on the next
// business day), check the movement (one float per day; a paid-out never takes more than the drawer
// holds; a paid-out needs a manager's approval, whose `approvedBy` is signed in the record), sign it. The count made at closing is signed by the Z's own transaction (closure.service).

export type Movement = RecordEntry<CashMovementPayload>;

function openDayOrThrow(ctx: RegisterContext): string {
  const today = currentBusinessDay(ctx);
  const last = lastClosure(ctx, 'day');
  if (last && last.payload.periodKey >= today) {
    throw new ComptoirError('CONFLICT', `The business day ${today} is closed on this register: the drawer opens again on the next business day`, {
      periodKey: last.payload.periodKey,
    });
  }
  return today;
}

/** What the drawer holds now (today's movements and the net cash of today's open tickets). */
export function drawerState(ctx: RegisterContext): DrawerState {
  const cal = readStoreCalendar(ctx);
  const day = currentBusinessDay(ctx, cal);
  const last = lastClosure(ctx, 'day');
  const closed = Boolean(last && last.payload.periodKey >= day);
  const movements = movementsOf(ctx, day);
  const sums = drawerSums(movements);
  const open = closed ? null : openBusinessDays(ctx, cal, day).find((d) => d.day === day);
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
  };
}

export function toMovement(m: Movement): DrawerState['movements'][number] {
  return { number: m.number, recordedAt: m.recordedAt, signature: m.signature, integratedAt: m.integratedAt, payload: m.payload };
}

/** Records a float, a paid-in or a paid-out (approved by a manager); answers the signed record. */
export function recordMovement(ctx: RegisterContext, actor: Actor, req: CashMovementRequest, approver: Approver | null): DrawerState['movements'][number] {
  const entry = withDaysClosed(ctx, actor.cashierId, () => {
    const day = openDayOrThrow(ctx);
    const state = drawerState(ctx);
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
