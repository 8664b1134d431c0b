import type { CashMovementPayload, ClosurePayloadV2, DayTotals, DenominationCount } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { appendRecord } from '../chain/record-chain';
import { recordEntries, type RecordEntry } from '../chain/record-entries';
import type { RegisterContext } from '../context';

// What the drawer should hold for one business day: the opening float, plus cash put in, minus
// cash taken out (the `drawer` chain's records of the days this Z closes), plus the net cash of the
// tickets the day's Z covers (cash paid minus change given back, refunds negative). Read inside the
// Z's transaction, so nothing moves between the reading and the signing.
// The rule after a Z (docs/architecture.md §14): the shop keeps selling, and the drawer with it. A
// movement made once today's Z is signed belongs to the next business day, exactly like the tickets
// sold then; a Z counts every movement after the previous day closure up to its own day, so a
// movement of a day with no Z of its own (no ticket that day) is counted by the next one.

/** The drawer's movements of the days after `afterDay` (the previous day closure's) up to `day`. */
export function movementsOf(ctx: RegisterContext, day: string, afterDay: string): RecordEntry<CashMovementPayload>[] {
  return recordEntries<CashMovementPayload>(
    ctx,
    'drawer',
    "AND json_extract(r.payload, '$.day') <= ? AND json_extract(r.payload, '$.day') > ? ORDER BY r.number",
    day,
    afterDay,
  );
}

export interface DrawerSums {
  floatCents: number;
  inCents: number;
  outCents: number;
  /** float + in − out (without the tickets). */
  movementsCents: number;
  floatSet: boolean;
  counted: boolean;
}

export function drawerSums(movements: readonly RecordEntry<CashMovementPayload>[]): DrawerSums {
  const sum = (kind: CashMovementPayload['kind']) => movements.filter((m) => m.payload.kind === kind).reduce((s, m) => s + m.payload.amountCents, 0);
  const floatCents = sum('float');
  const inCents = sum('in');
  const outCents = sum('out');
  return {
    floatCents,
    inCents,
    outCents,
    movementsCents: floatCents + inCents - outCents,
    floatSet: movements.some((m) => m.payload.kind === 'float'),
    counted: movements.some((m) => m.payload.kind === 'count'),
  };
}

/** Net cash of a set of tickets (what their payments left in the drawer). */
export function ticketCashOf(totals: Pick<DayTotals, 'payments'>): number {
  return totals.payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amountCents, 0);
}

/** The three cash fields of a day Z: expected always; counted and difference only when counted. */
export function dayCashFields(
  ctx: RegisterContext,
  day: string,
  totals: Pick<DayTotals, 'payments'>,
  countedCents: number | null,
  /** The previous day closure's day ('' before the first). */
  afterDay: string,
): Pick<ClosurePayloadV2, 'cashExpectedCents' | 'cashCountedCents' | 'cashDifferenceCents'> {
  const expected = drawerSums(movementsOf(ctx, day, afterDay)).movementsCents + ticketCashOf(totals);
  return {
    cashExpectedCents: expected,
    cashCountedCents: countedCents,
    cashDifferenceCents: countedCents === null ? null : countedCents - expected,
  };
}

/** A closing count: a total typed, or coins and notes. */
export type DrawerCount = { countedCashCents?: number | undefined; denominations?: DenominationCount[] | undefined };

/** The total of a count by denomination. */
export function countTotal(denominations: readonly DenominationCount[]): number {
  return denominations.reduce((s, d) => s + d.valueCents * d.count, 0);
}

/**
 * Signs the closing count of `day` in the drawer chain. MUST run inside the Z's transaction.
 * Answers the total counted.
 */
export function signCount(ctx: RegisterContext, actor: Actor, day: string, count: DrawerCount): number {
  const denominations = (count.denominations ?? []).filter((d) => d.count > 0);
  const total = count.denominations ? countTotal(denominations) : count.countedCashCents!;
  const payload: CashMovementPayload = { type: 'cash_movement', kind: 'count', amountCents: total, reason: '', day, cashierId: actor.cashierId, denominations };
  appendRecord(ctx, 'drawer', payload, ctx.now().toISOString());
  return total;
}
