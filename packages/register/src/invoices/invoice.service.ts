import {
  ComptoirError,
  invoiceReferenceOf,
  type DuplicatePayload,
  type Invoice,
  type InvoicePayload,
  type TicketPayload,
} from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { appendRecord, chainHeadOf } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { customerInUse } from '../customers/till-customer.service';
import { readStoreIdentity } from '../receipts/store-identity.service';
import { trainingEnabled } from '../training/training.service';

// Invoices (factures, issue 10, docs/architecture.md §20): signed records of the register's own
// `invoice` chain, numbered gapless (the chain number is the invoice number), at most one per ticket
// of the `ticket` chain, made from that signed ticket and the register's copy (store identity,
// customer), online or offline alike, pushed to central like every record.
//
// Phases of an issue: training mode → 422 INVOICE_REFUSED; then one synchronous SQLite transaction
// (so two requests for the same ticket cannot both issue): the ticket's invoice exists → the same customer (or none named) answers it
// again (`created: false`), another customer → 409 INVOICE_CUSTOMER_FIXED, nothing written; none →
// the ticket (a sale of the ticket chain, else 404 / 422 INVOICE_REFUSED), the customer (the one
// named, else the ticket's; absent from the copy → 422 UNKNOWN_CUSTOMER) and the store identity
// are read → the payload is built from the signed ticket → appendRecord (record + outbox row) →
// after the commit, a push is scheduled.
// Invariants: at most one invoice per ticket (also a unique index of the database, migration
// 0011); an invoice's customer never changes; training mode issues none (a training ticket's
// number is not a ticket's).

export interface InvoiceIssuer {
  /** The cashier at the till; null when central relayed a back-office request. */
  cashierId: string | null;
  /** The back-office user central names (its call only). */
  requestedBy?: string;
}

type InvoiceRow = {
  number: number;
  recorded_at: string;
  payload: string;
  prev_signature: string;
  signature: string;
  key_id: string | null;
  integrated_at: string | null;
};

const SELECT_INVOICE = `SELECT r.number, r.recorded_at, r.payload, r.prev_signature, r.signature, r.key_id, i.integrated_at
  FROM records r LEFT JOIN integrations i ON i.chain = r.chain AND i.number = r.number WHERE r.chain = 'invoice'`;

function toInvoice(ctx: RegisterContext, row: InvoiceRow): Invoice {
  const payload = JSON.parse(row.payload) as InvoicePayload;
  return {
    invoiceNumber: row.number,
    reference: payload.reference,
    registerId: ctx.identity!.registerId,
    recordedAt: row.recorded_at,
    prevSignature: row.prev_signature,
    signature: row.signature,
    keyId: row.key_id,
    integratedAt: row.integrated_at,
    payload,
    duplicate: null,
  };
}

function invoiceRowOfTicket(ctx: RegisterContext, ticketNumber: number): InvoiceRow | undefined {
  return ctx.sqlite.prepare(`${SELECT_INVOICE} AND json_extract(r.payload, '$.ticket.number') = ?`).get(ticketNumber) as InvoiceRow | undefined;
}

/** Invoice `number` of this register's invoice chain (404 when there is none). */
export function getInvoice(ctx: RegisterContext, number: number): Invoice {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const row = ctx.sqlite.prepare(`${SELECT_INVOICE} AND r.number = ?`).get(number) as InvoiceRow | undefined;
  if (!row) throw new ComptoirError('NOT_FOUND', `No invoice numbered ${number}`);
  return toInvoice(ctx, row);
}

/** The invoice of ticket `ticketNumber` (404 when it has none yet). */
export function getTicketInvoice(ctx: RegisterContext, ticketNumber: number): Invoice {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const row = invoiceRowOfTicket(ctx, ticketNumber);
  if (!row) throw new ComptoirError('NOT_FOUND', `Ticket ${ticketNumber} has no invoice`);
  return toInvoice(ctx, row);
}

function sumOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Issues the invoice of ticket `ticketNumber`, or answers the one it has (see the phases above). */
export function issueInvoice(ctx: RegisterContext, ticketNumber: number, customerId: string | undefined, by: InvoiceIssuer): { created: boolean; invoice: Invoice } {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  // In training mode the number a cashier sees is a training ticket's: never a ticket of the ticket chain.
  if (trainingEnabled(ctx)) throw new ComptoirError('INVOICE_REFUSED', 'No invoice in training mode: a training ticket is not a sale', { reason: 'training' });
  const outcome = ctx.sqlite.transaction((): { created: boolean; number: number } => {
    const existing = invoiceRowOfTicket(ctx, ticketNumber);
    if (existing) {
      const issued = JSON.parse(existing.payload) as InvoicePayload;
      if (customerId !== undefined && customerId !== issued.customer.id) {
        throw new ComptoirError('INVOICE_CUSTOMER_FIXED', `Ticket ${ticketNumber} is invoiced already (${issued.reference}) to another customer`, {
          invoiceNumber: existing.number,
          reference: issued.reference,
          customerId: issued.customer.id,
        });
      }
      return { created: false, number: existing.number };
    }
    const ticket = ctx.sqlite
      .prepare("SELECT t.kind, t.customer_id, r.payload, r.signature, r.recorded_at FROM tickets t JOIN records r ON r.chain = 'ticket' AND r.number = t.number WHERE t.number = ?")
      .get(ticketNumber) as { kind: string; customer_id: string | null; payload: string; signature: string; recorded_at: string } | undefined;
    if (!ticket) throw new ComptoirError('NOT_FOUND', `No ticket numbered ${ticketNumber}`);
    if (ticket.kind !== 'sale') throw new ComptoirError('INVOICE_REFUSED', 'A return is not invoiced: only a sale is', { reason: 'return' });
    // A gift card's sale (§25) sells no goods and bears no VAT: the invoice is the one of what the card buys.
    if ((JSON.parse(ticket.payload) as { giftCard?: unknown }).giftCard) throw new ComptoirError('INVOICE_REFUSED', 'A gift card sale is not invoiced: the sale it pays for is', { reason: 'gift_card' });
    const forCustomer = customerId ?? ticket.customer_id;
    if (!forCustomer) {
      throw new ComptoirError('VALIDATION', 'This ticket has no customer: say which customer to invoice (customerId)', { issues: [{ path: 'customerId', message: 'required' }] });
    }
    const customer = ctx.sqlite.prepare('SELECT id, name, email, phone FROM customers WHERE id = ? AND active = 1').get(customerInUse(ctx, forCustomer)) as
      | InvoicePayload['customer']
      | undefined;
    if (!customer) throw new ComptoirError('UNKNOWN_CUSTOMER', `Unknown customer: ${forCustomer}`, { customerId: forCustomer });
    const store = readStoreIdentity(ctx);
    const t = JSON.parse(ticket.payload) as TicketPayload;
    const head = chainHeadOf(ctx, 'invoice');
    const number = head ? head.number + 1 : 1;
    const payload: InvoicePayload = {
      type: 'invoice',
      reference: invoiceReferenceOf(identity.registerId, number),
      seller: { storeId: store.storeId, name: store.name, address: store.address, siret: store.siret, vatNumber: store.vatNumber },
      customer: { id: customer.id, name: customer.name, email: customer.email, phone: customer.phone },
      ticket: { number: ticketNumber, soldAt: ticket.recorded_at, signature: ticket.signature },
      lines: t.lines,
      vat: t.vat,
      totalExclVatCents: sumOf(t.vat.map((v) => v.baseCents)),
      vatCents: sumOf(t.vat.map((v) => v.vatCents)),
      totalCents: t.totalCents,
      payments: t.payments,
      cashierId: by.cashierId,
      ...(by.requestedBy !== undefined ? { requestedBy: by.requestedBy } : {}),
    };
    const appended = appendRecord(ctx, 'invoice', payload, ctx.now().toISOString());
    if (appended.number !== number) throw new Error(`invoice numbered ${appended.number}, expected ${number}`);
    return { created: true, number };
  })();
  if (outcome.created) ctx.recordsAppended();
  return { created: outcome.created, invoice: getInvoice(ctx, outcome.number) };
}

/**
 * A reprint of invoice `number`: the invoice must exist (404, nothing written) → the next record of
 * the `duplicate` chain names the invoice and its ticket → push scheduled → the invoice, marked with
 * the duplicate's number (DUPLICATA).
 */
export function printInvoiceDuplicate(ctx: RegisterContext, number: number, actor: Actor): Invoice {
  const invoice = getInvoice(ctx, number);
  const payload: DuplicatePayload = { type: 'duplicate', ticketNumber: invoice.payload.ticket.number, invoiceNumber: number, cashierId: actor.cashierId };
  const printedAt = ctx.now().toISOString();
  const rec = ctx.sqlite.transaction(() => appendRecord(ctx, 'duplicate', payload, printedAt))();
  ctx.recordsAppended();
  return { ...invoice, duplicate: { number: rec.number, printedAt: rec.recordedAt, cashierName: actor.displayName } };
}
