import { ComptoirError, type DuplicatePayload, type Receipt } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { getTicket } from '../sales/ticket.service';
import { readStoreIdentity } from './store-identity.service';
import { ticketReferenceOf } from './ticket-reference.service';

// Receipts of the register's tickets, and reprints. A reprint is itself a signed fact: the next
// record of the `duplicate` chain (gapless, pushed to central like any record), printed DUPLICATA.

/** Characters 3, 7, 13 and 19 (1-based) of a signature: the extract printed on paper. */
export function signatureExtract(signature: string): string {
  return [3, 7, 13, 19].map((i) => signature[i - 1] ?? '').join('');
}

function cashierName(ctx: RegisterContext, cashierId: string): string {
  const row = ctx.sqlite.prepare('SELECT display_name FROM cashiers WHERE id = ?').get(cashierId) as { display_name: string } | undefined;
  return row?.display_name ?? cashierId;
}

function customerName(ctx: RegisterContext, customerId: string | null): string | null {
  if (!customerId) return null;
  const row = ctx.sqlite.prepare('SELECT name FROM customers WHERE id = ?').get(customerId) as { name: string } | undefined;
  return row?.name ?? customerId;
}

/** The receipt of ticket `number` as first printed (no DUPLICATA). Unknown ticket → 404. */
export async function buildReceipt(ctx: RegisterContext, number: number): Promise<Receipt> {
  const ticket = await getTicket(ctx, number);
  const store = readStoreIdentity(ctx);
  return {
    store,
    ticket,
    cashierName: cashierName(ctx, ticket.cashierId),
    customerName: customerName(ctx, ticket.customerId),
    signatureExtract: signatureExtract(ticket.signature),
    reference: ticketReferenceOf(ctx, store.registerId, ticket.number),
    duplicate: null,
  };
}

/**
 * A reprint. Phases: the ticket must exist (404 otherwise, nothing written) → one transaction
 * appends the `duplicate` record (number, signature, outbox row) → push scheduled → the receipt,
 * marked with the duplicate's number.
 */
export async function printDuplicate(ctx: RegisterContext, number: number, actor: Actor): Promise<Receipt> {
  const receipt = await buildReceipt(ctx, number);
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const payload: DuplicatePayload = { type: 'duplicate', ticketNumber: number, cashierId: actor.cashierId };
  const printedAt = ctx.now().toISOString();
  const rec = ctx.sqlite.transaction(() => appendRecord(ctx, 'duplicate', payload, printedAt))();
  ctx.recordsAppended();
  return {
    ...receipt,
    duplicate: { number: rec.number, printedAt, cashierName: actor.displayName, signatureExtract: signatureExtract(rec.signature) },
  };
}
