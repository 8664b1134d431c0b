import { paymentsNetOfChange } from '@comptoir/domain';
import type { PaymentMethod } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { localDayHour } from '../dashboard/dashboard.service';
import { resolveStoreId } from '../stores/store.service';
import { dayClosures, storeRegisters, ticketsInRange, type AccountingTicket, type DayClosure, type StoreRegister } from './accounting.repository';

// What a period of a store holds for the accountant, read once for the FEC and the sales journal.
//
// Which day a ticket belongs to: the day of the Z (day closure) that covers it — a Z covers tickets
// by number, after the previous Z's `lastTicket` up to its own — so the journal and the FEC equal
// the Z totals to the cent, whatever the hour of the Z or the business-day cutoff. A ticket no Z
// covers yet (the day is still open, or the Z is not pushed yet) counts on its store-local sale
// date, and its day is shown `closed: false`.
//
// Phases, per register: read its day closures; the tickets of the closures whose day is in the
// period (one number range: closures are in date order); the tickets after the last closure sold
// within a day either side of the period (every time zone), kept when their local date is in it.

export interface PeriodTicket extends AccountingTicket {
  day: string;
  registerName: string;
  closed: boolean;
  /** Net per method: cash net of the change given back. */
  netPayments: { method: PaymentMethod; amountCents: number }[];
}

export interface StorePeriod {
  storeId: string;
  siret: string;
  timezone: string;
  registers: StoreRegister[];
  /** Tickets of the period in day, sale time, register, number order. */
  tickets: PeriodTicket[];
  /** Day closures whose day is in the period, in day then register order. */
  closures: (DayClosure & { registerName: string })[];
}

/** The store the caller asks for (default: their own, or the first), within their scope (store-scope.ts). */
export function accountingStoreId(ctx: Ctx, storeId: string | undefined): Promise<string> {
  return resolveStoreId(ctx, storeId);
}

/** Payments as counted in the drawer: the change handed back comes out of the cash. */
export function netPayments(t: Pick<AccountingTicket, 'totalCents' | 'payments'>): { method: PaymentMethod; amountCents: number }[] {
  return paymentsNetOfChange(t.totalCents, t.payments);
}

const DAY_MS = 86_400_000;

export async function readStorePeriod(ctx: Ctx, q: { storeId?: string | undefined; from: string; to: string }): Promise<StorePeriod> {
  const storeId = await accountingStoreId(ctx, q.storeId);
  const store = await ctx.db.selectFrom('stores').select(['siret', 'timezone']).where('id', '=', storeId).executeTakeFirstOrThrow();
  const registers = await storeRegisters(ctx, storeId);
  const inPeriod = (day: string) => day >= q.from && day <= q.to;
  const tickets: PeriodTicket[] = [];
  const closures: StorePeriod['closures'] = [];

  for (const reg of registers) {
    const all = await dayClosures(ctx, reg.id);
    const mine = all.filter((c) => inPeriod(c.periodKey));
    closures.push(...mine.map((c) => ({ ...c, registerName: reg.name })));
    if (mine.length > 0) {
      const firstIdx = all.indexOf(mine[0]!);
      const from = (firstIdx > 0 ? all[firstIdx - 1]!.lastTicket : 0) + 1;
      const to = mine[mine.length - 1]!.lastTicket;
      if (to >= from) {
        const covered = await ticketsInRange(ctx, reg.id, { from, to });
        let ci = firstIdx;
        for (const t of covered) {
          while (all[ci]!.lastTicket < t.number) ci++;
          const day = all[ci]!.periodKey;
          // Closures are in date order, so every closure in [firstIdx, last] is in the period.
          tickets.push({ ...t, day, registerName: reg.name, closed: true, netPayments: netPayments(t) });
        }
      }
    }
    const lastClosed = all.length > 0 ? all[all.length - 1]!.lastTicket : 0;
    const open = await ticketsInRange(ctx, reg.id, {
      from: lastClosed + 1,
      to: null,
      soldFrom: new Date(Date.parse(q.from) - DAY_MS).toISOString(),
      soldTo: new Date(Date.parse(q.to) + 2 * DAY_MS).toISOString(),
    });
    for (const t of open) {
      const day = localDayHour(t.soldAt, store.timezone).day;
      if (inPeriod(day)) tickets.push({ ...t, day, registerName: reg.name, closed: false, netPayments: netPayments(t) });
    }
  }
  tickets.sort((a, b) => a.day.localeCompare(b.day) || a.soldAt.localeCompare(b.soldAt) || a.registerName.localeCompare(b.registerName) || a.registerId.localeCompare(b.registerId) || a.number - b.number);
  closures.sort((a, b) => a.periodKey.localeCompare(b.periodKey) || a.registerName.localeCompare(b.registerName) || a.number - b.number);
  return { storeId, siret: store.siret, timezone: store.timezone, registers, tickets, closures };
}
