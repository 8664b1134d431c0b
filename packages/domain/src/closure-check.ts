import canonicalize from 'canonicalize';
import type { SignedRecord } from './signing';
import { sumTicketSums, type SummedTicket, type TicketSums } from './ticket-sums';

// Z recomputation (NF525, issue 10): the verifier does not take a closure's word for its totals. Each
// closure of the `closure` chain is recomputed from the signed tickets it covers (numbers
// `firstTicket`..`lastTicket`: a day's tickets, a month's or a fiscal year's, by number), with the
// same sums the register signs (ticket-sums.ts), and its perpetual grand totals checked against the
// previous day closure's: net = previous + total; absolute = previous + sales + |returns|. A
// closure whose tickets are not all in the given records (an earlier archive not given, a year
// spanning several files) is listed as not recomputed, never passed off as checked.

type StatedClosure = Partial<TicketSums> & {
  type: 'closure';
  version?: number;
  period: 'day' | 'month' | 'year';
  periodKey: string;
  firstTicket: number | null;
  lastTicket: number;
  grandTotalCents: number;
  grandTotalAbsCents?: number;
};

export type ClosureRecomputation =
  | { ok: true; recomputed: number; notRecomputed: { number: number; periodKey: string; reason: string }[] }
  | { ok: false; number: number; periodKey: string; reason: string };

/** The fields a closure states that its tickets determine (v1 closures: the first six). */
const COMMON = ['ticketCount', 'saleCount', 'returnCount', 'totalCents', 'payments', 'vat'] as const;
const V2 = ['salesCents', 'returnsCents', 'vatSales', 'vatReturns', 'giftCardsIssuedCents'] as const;

const same = (a: unknown, b: unknown): boolean => canonicalize(a) === canonicalize(b);
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (canonicalize(v) ?? 'undefined'));

/**
 * Recomputes every closure among `records` (signed records of one register, any chains, as read
 * from archive files already verified) from the ticket records among them. Reports the first
 * closure whose stated totals or grand totals differ, with the field, both values and the tickets.
 */
export function recomputeClosures(records: readonly SignedRecord[]): ClosureRecomputation {
  const tickets = new Map<number, SummedTicket>();
  for (const r of records) if (r.chain === 'ticket') tickets.set(r.number, r.payload as SummedTicket);
  const closures = records.filter((r) => r.chain === 'closure' && (r.payload as { type?: unknown })?.type === 'closure').sort((a, b) => a.number - b.number);
  const notRecomputed: { number: number; periodKey: string; reason: string }[] = [];
  const days = new Map<number, StatedClosure>();
  let previousDay: { number: number; payload: StatedClosure } | undefined;
  let recomputed = 0;
  for (const c of closures) {
    const z = c.payload as StatedClosure;
    const fail = (reason: string): ClosureRecomputation => ({ ok: false, number: c.number, periodKey: String(z.periodKey), reason: `closure ${c.number} (${z.period} ${z.periodKey}): ${reason}` });
    const first = z.firstTicket;
    const covered: SummedTicket[] = [];
    let missing: number | null = null;
    if (first !== null) {
      for (let n = first; n <= z.lastTicket; n++) {
        const t = tickets.get(n);
        if (!t) {
          missing = n;
          break;
        }
        covered.push(t);
      }
    }
    const span = first === null ? 'no ticket' : `tickets ${first}..${z.lastTicket}`;
    if (missing !== null) {
      notRecomputed.push({ number: c.number, periodKey: z.periodKey, reason: `ticket ${missing} of ${span} is not in the given archives` });
      if (z.period === 'day') previousDay = undefined;
      continue;
    }
    const sums = sumTicketSums(covered, 'cash');
    for (const field of [...COMMON, ...(z.version === 2 ? V2 : [])]) {
      if (!same(z[field], sums[field])) return fail(`${field} is ${show(z[field])}, ${span} sum to ${show(sums[field])}`);
    }
    const absOf = (p: StatedClosure | undefined): number | undefined => (p?.version === 2 ? p.grandTotalAbsCents : undefined);
    if (z.period === 'day') {
      const prev = previousDay?.payload;
      const prevLast = prev ? prev.lastTicket : first === 1 ? 0 : undefined;
      if (prev && first !== null && first !== prev.lastTicket + 1) return fail(`starts at ticket ${first}, the previous day closure ended at ${prev.lastTicket}`);
      if (prevLast !== undefined) {
        const net = (prev?.grandTotalCents ?? 0) + sums.totalCents;
        if (z.grandTotalCents !== net) return fail(`grandTotalCents is ${z.grandTotalCents}, the previous grand total plus ${span} make ${net}`);
        const prevAbs = prev ? absOf(prev) : 0;
        if (z.version === 2 && prevAbs !== undefined) {
          const abs = prevAbs + sums.salesCents + sums.returnsCents;
          if (z.grandTotalAbsCents !== abs) return fail(`grandTotalAbsCents is ${String(z.grandTotalAbsCents)}, the previous absolute grand total plus ${span} make ${abs}`);
        }
      } else {
        notRecomputed.push({ number: c.number, periodKey: z.periodKey, reason: 'grand totals follow a day closure not in the given archives (its totals were recomputed)' });
      }
      days.set(z.lastTicket, z);
      previousDay = { number: c.number, payload: z };
    } else {
      // A month (year) carries its last day's grand totals.
      const lastDay = days.get(z.lastTicket);
      if (lastDay) {
        if (z.grandTotalCents !== lastDay.grandTotalCents) return fail(`grandTotalCents is ${z.grandTotalCents}, its last day closure says ${lastDay.grandTotalCents}`);
        if (z.version === 2 && absOf(lastDay) !== undefined && z.grandTotalAbsCents !== absOf(lastDay)) {
          return fail(`grandTotalAbsCents is ${String(z.grandTotalAbsCents)}, its last day closure says ${String(absOf(lastDay))}`);
        }
      }
    }
    recomputed++;
  }
  return { ok: true, recomputed, notRecomputed };
}
