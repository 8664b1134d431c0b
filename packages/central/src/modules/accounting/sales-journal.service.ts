import { stringify } from 'csv-stringify/sync';
import { SPREADSHEET_SAFE } from '../exports/spreadsheet-cell';
import { PAYMENT_METHODS, formatDecimalEuros, formatRate } from '@comptoir/domain';
import type { AccountingPeriodQuery, JournalDay, PaymentMethod, SalesJournal } from '@comptoir/protocol';
import { SHARED_MESSAGES } from '@comptoir/protocol/i18n';
import type { Ctx } from '../../context';
import { readStorePeriod, type PeriodTicket, type StorePeriod } from './accounting-period.service';

// The sales journal and VAT summary of a store, per business day: sales, returns, net, per VAT rate
// (base, VAT), per payment method, cash differences. Days are those of the Z that closes the tickets
// (see accounting-period.service), so each day equals, to the cent, the sum of that day's Z.

type Totals = Omit<JournalDay, 'day' | 'closed' | 'drawers'>;

function emptyTotals(): Totals {
  return { ticketCount: 0, salesCents: 0, returnsCents: 0, netCents: 0, giftCardsIssuedCents: 0, vat: [], payments: [], cashDifferenceCents: null };
}

function addTicket(t: Totals, ticket: PeriodTicket): void {
  t.ticketCount += 1;
  // A gift card's sale is no sale (§25): apart, its money in the payments.
  if (ticket.giftCardCents) {
    t.giftCardsIssuedCents += ticket.giftCardCents;
    for (const p of ticket.netPayments) addPayment(t, p.method, p.amountCents);
    return;
  }
  if (ticket.kind === 'sale') t.salesCents += ticket.totalCents;
  else t.returnsCents += Math.abs(ticket.totalCents);
  t.netCents += ticket.totalCents;
  for (const v of ticket.vat) {
    let row = t.vat.find((r) => r.rate === v.rate);
    if (!row) t.vat.push((row = { rate: v.rate, baseCents: 0, vatCents: 0, totalCents: 0 }));
    row.baseCents += v.baseCents;
    row.vatCents += v.vatCents;
    row.totalCents += v.totalCents;
  }
  for (const p of ticket.netPayments) addPayment(t, p.method, p.amountCents);
}

function addPayment(t: Totals, method: PaymentMethod, amountCents: number): void {
  let row = t.payments.find((r) => r.method === method);
  if (!row) t.payments.push((row = { method, amountCents: 0 }));
  row.amountCents += amountCents;
}

function addDifference(t: Totals, cents: number | null | undefined): void {
  if (cents === null || cents === undefined) return;
  t.cashDifferenceCents = (t.cashDifferenceCents ?? 0) + cents;
}

function sorted(t: Totals): Totals {
  const order: readonly PaymentMethod[] = PAYMENT_METHODS;
  t.vat.sort((a, b) => b.rate - a.rate);
  t.payments.sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
  return t;
}

export function journalOf(period: StorePeriod, q: { from: string; to: string }): SalesJournal {
  const days = new Map<string, JournalDay>();
  const dayOf = (day: string): JournalDay => {
    let d = days.get(day);
    if (!d) days.set(day, (d = { day, closed: true, ...emptyTotals(), drawers: [] }));
    return d;
  };
  const totals = emptyTotals();
  for (const t of period.tickets) {
    const d = dayOf(t.day);
    addTicket(d, t);
    addTicket(totals, t);
    if (!t.closed) d.closed = false;
  }
  for (const c of period.closures) {
    const d = dayOf(c.periodKey);
    d.drawers.push({
      registerId: c.registerId,
      registerName: c.registerName,
      closureNumber: c.number,
      cashExpectedCents: c.payload.cashExpectedCents ?? null,
      cashCountedCents: c.payload.cashCountedCents ?? null,
      cashDifferenceCents: c.payload.cashDifferenceCents ?? null,
    });
    addDifference(d, c.payload.cashDifferenceCents);
    addDifference(totals, c.payload.cashDifferenceCents);
  }
  return {
    storeId: period.storeId,
    from: q.from,
    to: q.to,
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)).map((d) => ({ ...d, ...sorted(d) })),
    totals: sorted(totals),
  };
}

export async function salesJournal(ctx: Ctx, q: AccountingPeriodQuery): Promise<SalesJournal> {
  return journalOf(await readStorePeriod(ctx, q), q);
}

/** "1234,56" (French decimal comma, sign kept): what a spreadsheet in French reads as a number. */
function euros(cents: number | null): string {
  return cents === null ? '' : formatDecimalEuros(cents);
}

/** A payment method in the journal's French headers ("Titre-restaurant", not `meal_voucher`), from the clients' shared catalogue. */
function methodName(method: string): string {
  return (SHARED_MESSAGES.fr as Record<string, string>)[`method.${method}`] ?? method;
}

/**
 * The journal as CSV for a spreadsheet: `;`-separated, decimal comma, UTF-8 with a BOM, one row per
 * day then a TOTAL row; one column pair per VAT rate (base, VAT) and one per payment method.
 */
export function journalCsv(j: SalesJournal): string {
  const rates = [...new Set([...j.totals.vat.map((v) => v.rate)])].sort((a, b) => b - a);
  const methods = j.totals.payments.map((p) => p.method);
  const header = [
    'Jour',
    'Clôturé',
    'Tickets',
    'Ventes TTC',
    'Retours TTC',
    'Net TTC',
    'Cartes cadeaux émises',
    ...rates.flatMap((r) => [`Base HT ${formatRate(r)}`, `TVA ${formatRate(r)}`]),
    ...methods.map((m) => `Règlements ${methodName(m)}`),
    'Écart de caisse',
  ];
  const row = (label: string, closed: string, t: Totals) => [
    label,
    closed,
    String(t.ticketCount),
    euros(t.salesCents),
    euros(t.returnsCents),
    euros(t.netCents),
    euros(t.giftCardsIssuedCents),
    ...rates.flatMap((r) => {
      const v = t.vat.find((x) => x.rate === r);
      return [euros(v?.baseCents ?? 0), euros(v?.vatCents ?? 0)];
    }),
    ...methods.map((m) => euros(t.payments.find((p) => p.method === m)?.amountCents ?? 0)),
    euros(t.cashDifferenceCents),
  ];
  const rows = [header, ...j.days.map((d) => row(d.day, d.closed ? 'oui' : 'non', d)), row('TOTAL', '', j.totals)];
  return stringify(rows, { delimiter: ';', bom: true, record_delimiter: 'windows', ...SPREADSHEET_SAFE });
}
