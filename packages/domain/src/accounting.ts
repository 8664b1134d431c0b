import { formatDecimalEuros, formatRate } from './money';
import { err, ok, type Result } from './result';
import type { PaymentMethod } from './payment';

// The shop's sales in accounting terms (French PCG), for the FEC (art. A47 A-1 LPF) and the sales
// journal. Pure: a ticket (or a day's cash difference) becomes one balanced entry of debit/credit
// lines on the accounts of a per-store chart. Money in integer cents; the FEC text formatting is
// here too so the rules are in one place and property-tested.
//
// Invariants: every entry is balanced (Σ debit = Σ credit), every line has exactly one of debit and
// credit > 0 (zero lines are dropped), amounts are never negative (a return swaps the sides).

/** What an account of the chart is for: sales per VAT rate, VAT collected per rate, payment methods, cash differences. */
export type AccountKey = `sales:${number}` | `vat:${number}` | `payment:${PaymentMethod}` | 'cash_short' | 'cash_over';

export interface Account {
  num: string;
  label: string;
}

export interface ChartEntry extends Account {
  key: AccountKey;
}

/** Account-number suffix of a French VAT rate in the default chart ("00" for any other rate). */
const RATE_SUFFIX: Record<number, string> = { 2000: '20', 1000: '10', 550: '55', 210: '21' };

/** The default (French) account of a key: 707xxx sales, 44571xx VAT collected, 530 cash, 5112/5115/5116 cheques/cards/meal vouchers, 658/758 differences. */
export function defaultAccount(key: AccountKey): Account {
  const m = /^(sales|vat):(\d+)$/.exec(key);
  if (m) {
    const rate = Number(m[2]);
    const suffix = RATE_SUFFIX[rate] ?? '00';
    return m[1] === 'sales'
      ? { num: `7070${suffix}`, label: `Ventes de marchandises TVA ${formatRate(rate)}` }
      : { num: `44571${suffix}`, label: `TVA collectée ${formatRate(rate)}` };
  }
  switch (key) {
    case 'payment:cash':
      return { num: '530000', label: 'Caisse' };
    case 'payment:card':
      return { num: '511500', label: 'Cartes bancaires à encaisser' };
    case 'payment:cheque':
      return { num: '511200', label: 'Chèques à encaisser' };
    case 'payment:credit_note':
      return { num: '419100', label: 'Avoirs clients à utiliser' };
    case 'payment:meal_voucher':
      return { num: '511600', label: 'Titres-restaurant à encaisser' };
    case 'payment:gift_card':
      return { num: '419700', label: 'Clients - cartes cadeaux' };
    case 'cash_short':
      return { num: '658000', label: 'Écarts de caisse (manquants)' };
    case 'cash_over':
      return { num: '758000', label: 'Écarts de caisse (excédents)' };
  }
  throw new RangeError(`defaultAccount: unknown account key ${key}`);
}

/** Every key a store's chart shows: sales and VAT for each of the given rates, the methods, the differences. */
export function chartKeys(vatRates: readonly number[], methods: readonly PaymentMethod[]): AccountKey[] {
  const rates = [...new Set(vatRates)].sort((a, b) => b - a);
  return [
    ...rates.map((r) => `sales:${r}` as const),
    ...rates.map((r) => `vat:${r}` as const),
    ...methods.map((m) => `payment:${m}` as const),
    'cash_short',
    'cash_over',
  ];
}

export interface EntryLine {
  account: Account;
  debitCents: number;
  creditCents: number;
}

export interface AccountingEntry {
  /** Store-local day of the entry (YYYY-MM-DD): the business day of the Z that closes it. */
  day: string;
  /** The document it comes from (a ticket, a Z). */
  pieceRef: string;
  label: string;
  lines: EntryLine[];
}

export interface TicketForAccounting {
  day: string;
  pieceRef: string;
  label: string;
  /** Per VAT rate, as signed (negative on a return). */
  vat: readonly { rate: number; baseCents: number; vatCents: number }[];
  /** Per method, net: cash is net of the change given back; refunds negative. */
  payments: readonly { method: PaymentMethod; amountCents: number }[];
}

function line(account: Account, signedDebitCents: number): EntryLine {
  return signedDebitCents >= 0
    ? { account, debitCents: signedDebitCents, creditCents: 0 }
    : { account, debitCents: 0, creditCents: 0 - signedDebitCents };
}

/**
 * One balanced entry per ticket: the payments are debited (money received), sales (base per rate)
 * and VAT collected (per rate) credited; a return is the mirror. Discounts are already inside the
 * line totals the VAT was computed on, so they need no line of their own (sales are booked net).
 * Error `UNBALANCED` when the ticket's payments do not equal its VAT lines (never for a valid ticket).
 */
export function ticketEntry(t: TicketForAccounting, chart: (key: AccountKey) => Account): Result<AccountingEntry> {
  const lines: EntryLine[] = [];
  for (const p of t.payments) if (p.amountCents !== 0) lines.push(line(chart(`payment:${p.method}`), p.amountCents));
  for (const v of t.vat) if (v.baseCents !== 0) lines.push(line(chart(`sales:${v.rate}`), 0 - v.baseCents));
  for (const v of t.vat) if (v.vatCents !== 0) lines.push(line(chart(`vat:${v.rate}`), 0 - v.vatCents));
  const entry = { day: t.day, pieceRef: t.pieceRef, label: t.label, lines };
  const { debitCents, creditCents } = entryTotals(entry);
  if (debitCents !== creditCents) {
    return err('UNBALANCED', `${t.pieceRef}: payments and VAT lines differ (debit ${debitCents}, credit ${creditCents})`);
  }
  return ok(entry);
}

/**
 * A counted drawer that differs from what was expected: a shortage (difference < 0) is a charge
 * (debit 658, credit the cash account), an excess a product (debit the cash account, credit 758).
 * Null for no difference.
 */
export function cashDifferenceEntry(
  d: { day: string; pieceRef: string; label: string; differenceCents: number },
  chart: (key: AccountKey) => Account,
): AccountingEntry | null {
  if (d.differenceCents === 0) return null;
  const cash = chart('payment:cash');
  const amount = Math.abs(d.differenceCents);
  const lines =
    d.differenceCents < 0
      ? [line(chart('cash_short'), amount), line(cash, -amount)]
      : [line(cash, amount), line(chart('cash_over'), -amount)];
  return { day: d.day, pieceRef: d.pieceRef, label: d.label, lines };
}

export function entryTotals(e: AccountingEntry): { debitCents: number; creditCents: number } {
  let debitCents = 0;
  let creditCents = 0;
  for (const l of e.lines) {
    debitCents += l.debitCents;
    creditCents += l.creditCents;
  }
  return { debitCents, creditCents };
}

// ---- FEC text (art. A47 A-1 LPF): 18 fields in this order, dates AAAAMMJJ, comma decimals ----

export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

/** 123456 → "1234,56"; never negative (sides say the sign). */
export function fecAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`fecAmount: not a non-negative integer of cents: ${cents}`);
  return formatDecimalEuros(cents);
}

/** "2025-03-14" → "20250314". */
export function fecDate(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`fecDate: not a YYYY-MM-DD date: ${day}`);
  return day.replaceAll('-', '');
}

/** A free-text field of the file: no tab, no line break (they separate fields and records). */
export function fecText(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ').trim();
}

/**
 * The rows of the FEC (without the header), entries numbered 1, 2, … in the order given (the
 * caller sorts them chronologically). `validDay` of an entry is its day: a ticket is validated
 * (signed, unalterable) when it is made.
 */
export function fecRows(journal: { code: string; label: string }, entries: readonly AccountingEntry[]): string[][] {
  const rows: string[][] = [];
  entries.forEach((e, i) => {
    const date = fecDate(e.day);
    for (const l of e.lines) {
      rows.push([
        journal.code,
        fecText(journal.label),
        String(i + 1),
        date,
        fecText(l.account.num),
        fecText(l.account.label),
        '',
        '',
        fecText(e.pieceRef),
        date,
        fecText(e.label),
        fecAmount(l.debitCents),
        fecAmount(l.creditCents),
        '',
        '',
        date,
        '',
        '',
      ]);
    }
  });
  return rows;
}
