import { Agent } from 'undici';
import { verifyRecord } from '@comptoir/domain';
import {
  ComptoirError,
  Invoice,
  InvoicePayload,
  REMOTE_INVOICE_PATH,
  remoteInvoiceSigningString,
  type ErrorCode,
  type RemoteInvoiceRequest,
} from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { callRegister, registerErrorCode } from '../registers/register-call';
import { registerKeys } from '../registers/register-keys.service';

// A ticket's signed invoice, as the back office prints it (docs/architecture.md §20). Phases:
//  1. central holds it (pushed by the register, verified and chained by the ingest, indexed in
//     `invoices`): that record, as signed. A customer other than its own → 409
//     INVOICE_CUSTOMER_FIXED (an invoice's customer is fixed at its first issue).
//  2. it holds none: central asks the ticket's register to issue it (`POST /api/sync/invoices`,
//     HMAC-signed as the copy call is) and checks what comes back — the invoice of that ticket,
//     signed under one of the register's registered keys — before printing it; the record itself
//     reaches central through the register's push, like any record. No answer → 503
//     REGISTER_UNREACHABLE; a refusal → the register's own code (our catalogue only).
// Nothing here writes to central's database.

/** A signed invoice: the payload and the fields its signature covers. */
export interface SignedInvoice {
  number: number;
  recordedAt: string;
  signature: string;
  payload: InvoicePayload;
  /** Where it was read: central's records, or the register's answer (not pushed yet). */
  source: 'central' | 'register';
}

/** How long central waits for a register to issue an invoice. */
export const INVOICE_CALL = { connectTimeoutMs: 3_000, answerTimeoutMs: 10_000 };

export async function storedTicketInvoice(ctx: Ctx, registerId: string, ticketNumber: number): Promise<SignedInvoice | null> {
  const row = await ctx.db
    .selectFrom('invoices')
    .innerJoin('records', (j) => j.onRef('records.register_id', '=', 'invoices.register_id').onRef('records.number', '=', 'invoices.number').on('records.chain', '=', 'invoice'))
    .select(['records.number', 'records.recorded_at', 'records.signature', 'records.payload'])
    .where('invoices.register_id', '=', registerId)
    .where('invoices.ticket_number', '=', ticketNumber)
    .orderBy('invoices.number')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return { number: Number(row.number), recordedAt: row.recorded_at, signature: row.signature, payload: InvoicePayload.parse(JSON.parse(row.payload)), source: 'central' };
}

/** A stored invoice, for `customerId` when one is named: another customer → 409 INVOICE_CUSTOMER_FIXED. */
export function forCustomer(invoice: SignedInvoice, customerId: string | undefined): SignedInvoice {
  if (customerId !== undefined && invoice.payload.customer.id !== customerId) throw customerFixed(invoice.number, invoice.payload);
  return invoice;
}

function customerFixed(number: number, p: InvoicePayload): ComptoirError {
  return new ComptoirError('INVOICE_CUSTOMER_FIXED', `Ticket ${p.ticket.number} is invoiced already (${p.reference}) to another customer`, {
    invoiceNumber: number,
    reference: p.reference,
    customerId: p.customer.id,
  });
}

export async function askRegisterForInvoice(ctx: Ctx, registerId: string, body: RemoteInvoiceRequest): Promise<SignedInvoice> {
  const target = await ctx.db.selectFrom('registers').select(['id', 'token_hash', 'advertised_url']).where('id', '=', registerId).executeTakeFirst();
  if (!target?.token_hash) throw new ComptoirError('NOT_ENROLLED', `Register ${registerId} is not enrolled: it cannot issue an invoice`, { registerId });
  const agent = new Agent({ connect: { timeout: INVOICE_CALL.connectTimeoutMs }, headersTimeout: INVOICE_CALL.answerTimeoutMs, bodyTimeout: INVOICE_CALL.answerTimeoutMs });
  try {
    const answer = await callRegister(ctx, agent, { ...target, token_hash: target.token_hash }, REMOTE_INVOICE_PATH, (id, at) => remoteInvoiceSigningString(id, at, body), {
      body,
      timeoutMs: INVOICE_CALL.answerTimeoutMs,
    });
    ctx.log.info({ registerId, ticketNumber: body.ticketNumber, answer: answer.kind === 'answer' ? answer.status : answer.kind }, 'invoice asked of the register');
    if (answer.kind === 'unreachable') {
      throw new ComptoirError('REGISTER_UNREACHABLE', `The register cannot be reached to issue this ticket's invoice: ${answer.reason}`, { registerId });
    }
    if (answer.kind === 'unreadable') throw new ComptoirError('INTERNAL', `The register's answer was not read: ${answer.reason}`, { registerId });
    if (answer.status !== 200 && answer.status !== 201) {
      const code = registerErrorCode(answer.status, answer.json);
      // A refusal of our own catalogue is passed on as such (UNKNOWN_CUSTOMER, INVOICE_REFUSED…); anything else is ours to explain.
      if (code.startsWith('HTTP_')) throw new ComptoirError('INTERNAL', `The register answered ${answer.status} to the invoice request`, { registerId });
      throw new ComptoirError(code as ErrorCode, `The register refused the invoice (${code}); its log says why`, { registerId, registerCode: code });
    }
    return await checkedInvoice(ctx, registerId, body, answer.json);
  } finally {
    await agent.close().catch(() => {});
  }
}

/** The register's answer, printed only if it is the invoice of the ticket asked for, signed under one of the register's keys. */
async function checkedInvoice(ctx: Ctx, registerId: string, body: RemoteInvoiceRequest, json: unknown): Promise<SignedInvoice> {
  const parsed = Invoice.safeParse(json);
  const raw = json as { payload?: unknown } | null;
  const bad = (why: string) => new ComptoirError('INTERNAL', `The register's invoice was refused: ${why}`, { registerId });
  if (!parsed.success || !raw) throw bad('it does not match the protocol');
  const inv = parsed.data;
  if (inv.registerId !== registerId || inv.payload.ticket.number !== body.ticketNumber) throw bad('it is not the invoice of this ticket');
  const keys = await registerKeys(ctx, registerId);
  const key = inv.keyId ? keys.find((k) => k.keyId === inv.keyId) : keys[0];
  const signable = {
    registerId,
    chain: 'invoice',
    number: inv.invoiceNumber,
    recordedAt: inv.recordedAt,
    payload: raw.payload,
    prevSignature: inv.prevSignature,
    ...(inv.keyId ? { keyId: inv.keyId } : {}),
  };
  if (!key || !verifyRecord(key.publicKeyPem, signable, inv.signature)) throw bad('its signature does not verify under the register’s keys');
  return forCustomer({ number: inv.invoiceNumber, recordedAt: inv.recordedAt, signature: inv.signature, payload: inv.payload, source: 'register' }, body.customerId);
}
