import { z } from 'zod';
import { Cents, Id, IsoDay, VatRate } from './common';
import { PaymentMethod } from './record';

// Accounting at central (issue 11): the per-store chart of accounts, the FEC, the sales journal.



/** What an account is for: `sales:<rate>`, `vat:<rate>` (rate in basis points), `payment:<method>`, `cash_short`, `cash_over`. */
// The methods from the one enum (a new method has its account key without touching this line).
export const AccountKey = z.string().regex(new RegExp(`^(sales:\\d{1,5}|vat:\\d{1,5}|payment:(${PaymentMethod.options.join('|')})|cash_short|cash_over)$`), 'an account key (sales:RATE, vat:RATE, payment:METHOD, cash_short, cash_over)');

export const ChartAccount = z.object({
  key: AccountKey,
  /** Account number of the PCG (digits, optionally letters for auxiliary-style numbering). */
  num: z.string().trim().regex(/^[0-9A-Za-z]{3,20}$/, '3 to 20 letters or digits'),
  label: z.string().trim().min(1).max(100),
});
export type ChartAccount = z.infer<typeof ChartAccount>;

/** `GET /api/accounting/accounts?storeId`: the store's chart (its own accounts, the French defaults elsewhere). */
export const AccountsQuery = z.object({ storeId: Id.optional() });
export const ChartOfAccounts = z.object({
  storeId: Id,
  items: z.array(ChartAccount.extend({ isDefault: z.boolean() })),
});
export type ChartOfAccounts = z.infer<typeof ChartOfAccounts>;

/** `PUT /api/accounting/accounts`: sets some accounts of the store's chart (the others keep theirs). */
export const PutAccountsRequest = z.object({
  storeId: Id.optional(),
  items: z.array(ChartAccount).min(1).max(100),
});
export type PutAccountsRequest = z.infer<typeof PutAccountsRequest>;

/** A store and a period of store-local days, both ends included (at most about a fiscal year and a half). */
export const AccountingPeriodQuery = z
  .object({ storeId: Id.optional(), from: IsoDay, to: IsoDay })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 550 * 86_400_000, { message: 'a period of at most 550 days', path: ['to'] });
export type AccountingPeriodQuery = z.infer<typeof AccountingPeriodQuery>;

export const JournalDay = z.object({
  /** Store-local business day: the day of the Z that closes the tickets (their sale date until closed). */
  day: IsoDay,
  /** Whether every register that sold that day has closed it (Z signed and pushed). */
  closed: z.boolean(),
  ticketCount: z.number().int().nonnegative(),
  /** Sales (positive) and returns (absolute value), VAT included. */
  salesCents: Cents,
  returnsCents: Cents,
  netCents: Cents,
  /** Gift cards sold (§25): no sale, apart from the figures above; the money that paid them is in `payments`. */
  giftCardsIssuedCents: Cents,
  vat: z.array(z.object({ rate: VatRate, baseCents: Cents, vatCents: Cents, totalCents: Cents })),
  /** Net per method: cash is net of the change given back; refunds negative. */
  payments: z.array(z.object({ method: PaymentMethod, amountCents: Cents })),
  /** Sum of the day's counted-minus-expected drawer differences; null when no drawer was counted. */
  cashDifferenceCents: Cents.nullable(),
  /** Each register's drawer as its Z of that day signed it (the cash fields are null when not counted). */
  drawers: z.array(
    z.object({
      registerId: Id,
      registerName: z.string(),
      closureNumber: z.number().int().positive(),
      cashExpectedCents: Cents.nullable(),
      cashCountedCents: Cents.nullable(),
      cashDifferenceCents: Cents.nullable(),
    }),
  ),
});
export type JournalDay = z.infer<typeof JournalDay>;

/** `GET /api/accounting/journal?storeId&from&to`: the sales journal and VAT summary, per day. */
export const SalesJournal = z.object({
  storeId: Id,
  from: IsoDay,
  to: IsoDay,
  days: z.array(JournalDay),
  totals: JournalDay.omit({ day: true, closed: true, drawers: true }),
});
export type SalesJournal = z.infer<typeof SalesJournal>;
