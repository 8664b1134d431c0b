// The invoice service on its own: a real (temporary, migrated) register database with an enrolled
// identity, a store identity and customers in its copy, and tickets signed into its ticket chain.
// Its phases and invariants (invoice.service.ts): gapless numbers, one invoice per ticket, the
// customer fixed at first issue, refusals that write nothing; and the monthly archive that holds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComptoirError, InvoicePayload, type TicketPayload } from '@comptoir/protocol';
import { verifyArchive, verifyRecord } from '@comptoir/domain';
import type { RegisterContext } from '../context';
import { appendRecord } from '../chain/record-chain';
import { archiveFileOf, signArchive } from '../archives/archive.service';
import { registerContext } from '../../test/unit-register';
import type { Actor } from '../auth/auth.service';
import { getTicketInvoice, issueInvoice, printInvoiceDuplicate } from './invoice.service';

const AT_TILL = { cashierId: 'cashier-1' };
const MARIE: Actor = { cashierId: 'cashier-1', login: 'marie', role: 'cashier', displayName: 'Marie' };
/** A register id as enrolment makes them (a UUID): its first 8 characters name the invoices. */
const REGISTER_ID = '1a2b3c4d-0000-4000-8000-000000000001';

async function shop(): Promise<RegisterContext> {
  const ctx = await registerContext();
  ctx.identity = { ...ctx.identity!, registerId: REGISTER_ID };
  ctx.sqlite
    .prepare('INSERT INTO copy_store (id, name, address, siret, vat_number, timezone) VALUES (?, ?, ?, ?, ?, ?)')
    .run('store-1', 'Épicerie Test', '2 rue du Marché', '12345678900011', 'FR00123456789', 'Europe/Paris');
  const customer = ctx.sqlite.prepare('INSERT INTO customers (id, name, email, phone, active) VALUES (?, ?, ?, ?, ?)');
  customer.run('cust-a', 'Camille Laurent', 'camille@example.fr', null, 1);
  customer.run('cust-b', 'Julien Moreau', null, '0600000000', 1);
  customer.run('cust-gone', 'Ancien Client', null, null, 0);
  return ctx;
}

/** Signs a ticket into the ticket chain with its `tickets` row, as a sale or a return does. */
function ticket(ctx: RegisterContext, kind: 'sale' | 'return', customerId: string | null): number {
  const sign = kind === 'sale' ? 1 : -1;
  const payload: TicketPayload = {
    type: 'ticket',
    kind,
    storeId: 'store-1',
    cashierId: AT_TILL.cashierId,
    customerId,
    soldOffline: false,
    lines: [
      { lineNo: 1, sku: 'VIN-01', label: 'Vin rouge', unitPriceCents: 1200, vatRate: 2000, quantity: sign, discountCents: 0, totalCents: sign * 1200 },
      { lineNo: 2, sku: 'CAFE-01', label: 'Café', unitPriceCents: 422, vatRate: 550, quantity: sign, discountCents: 0, totalCents: sign * 422 },
    ],
    vat: [
      { rate: 550, baseCents: sign * 400, vatCents: sign * 22, totalCents: sign * 422 },
      { rate: 2000, baseCents: sign * 1000, vatCents: sign * 200, totalCents: sign * 1200 },
    ],
    totalCents: sign * 1622,
    payments: [{ method: 'cash', amountCents: sign * 1622 }],
    changeCents: 0,
    original: kind === 'return' ? { registerId: REGISTER_ID, number: 1 } : null,
  };
  return ctx.sqlite.transaction(() => {
    const rec = appendRecord(ctx, 'ticket', payload, new Date().toISOString());
    ctx.q.insertTicket.run(rec.number, kind, payload.totalCents, rec.recordedAt, AT_TILL.cashierId, customerId, null, 0, null, null);
    return rec.number;
  })();
}

const invoiceCount = (ctx: RegisterContext) => (ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'invoice'").get() as { n: number }).n;

function refusal(fn: () => unknown): { code: string; details: unknown } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ComptoirError, String(e));
    return { code: e.code, details: e.details };
  }
  assert.fail('expected a refusal');
}

test('numbers are gapless; the invoice copies the signed ticket and the copy, and its signature verifies', async () => {
  const ctx = await shop();
  const t1 = ticket(ctx, 'sale', 'cust-a');
  const t2 = ticket(ctx, 'sale', null);
  const first = issueInvoice(ctx, t1, undefined, AT_TILL);
  const second = issueInvoice(ctx, t2, 'cust-b', AT_TILL);
  assert.deepEqual([first.created, first.invoice.invoiceNumber, second.created, second.invoice.invoiceNumber], [true, 1, true, 2]);
  assert.equal(first.invoice.reference, 'FA-1A2B3C4D-000001');
  assert.equal(second.invoice.prevSignature, first.invoice.signature, 'chained');
  const p = first.invoice.payload;
  assert.ok(InvoicePayload.safeParse(p).success, 'a payload of the protocol');
  assert.deepEqual(p.seller, { storeId: 'store-1', name: 'Épicerie Test', address: '2 rue du Marché', siret: '12345678900011', vatNumber: 'FR00123456789' });
  assert.deepEqual(p.customer, { id: 'cust-a', name: 'Camille Laurent', email: 'camille@example.fr', phone: null });
  assert.deepEqual([p.totalExclVatCents, p.vatCents, p.totalCents], [1400, 222, 1622]);
  assert.equal(p.cashierId, 'cashier-1');
  assert.equal(second.invoice.payload.customer.name, 'Julien Moreau', 'the customer named, the ticket having none');
  const signed = { registerId: REGISTER_ID, chain: 'invoice', number: 1, recordedAt: first.invoice.recordedAt, payload: p, prevSignature: '', keyId: ctx.identity!.keyId };
  assert.ok(verifyRecord(ctx.identity!.publicKeyPem, signed, first.invoice.signature));
  assert.equal(first.invoice.integratedAt, null);
  const outbox = ctx.sqlite.prepare("SELECT number FROM outbox WHERE chain = 'invoice' ORDER BY number").all() as { number: number }[];
  assert.deepEqual(outbox.map((r) => r.number), [1, 2], 'each invoice waits in the outbox');
});

test('the same ticket answers the same invoice; another customer is refused; nothing new is written', async () => {
  const ctx = await shop();
  const t1 = ticket(ctx, 'sale', 'cust-a');
  const issued = issueInvoice(ctx, t1, 'cust-a', AT_TILL).invoice;
  const again = issueInvoice(ctx, t1, undefined, AT_TILL);
  const named = issueInvoice(ctx, t1, 'cust-a', { cashierId: null, requestedBy: 'user-1' });
  assert.deepEqual([again.created, again.invoice.invoiceNumber, again.invoice.signature], [false, 1, issued.signature]);
  assert.deepEqual([named.created, named.invoice.payload.cashierId], [false, 'cashier-1'], 'the first issue stands');
  assert.deepEqual(refusal(() => issueInvoice(ctx, t1, 'cust-b', AT_TILL)), {
    code: 'INVOICE_CUSTOMER_FIXED',
    details: { invoiceNumber: 1, reference: issued.reference, customerId: 'cust-a' },
  });
  assert.equal(invoiceCount(ctx), 1);
  assert.equal(getTicketInvoice(ctx, t1).invoiceNumber, 1);
});

test('refusals write nothing: unknown ticket, return, no customer, customer not in the copy, training mode', async () => {
  const ctx = await shop();
  const sale = ticket(ctx, 'sale', null);
  const ret = ticket(ctx, 'return', 'cust-a');
  assert.equal(refusal(() => issueInvoice(ctx, 99, 'cust-a', AT_TILL)).code, 'NOT_FOUND');
  assert.deepEqual(refusal(() => issueInvoice(ctx, ret, 'cust-a', AT_TILL)), { code: 'INVOICE_REFUSED', details: { reason: 'return' } });
  assert.equal(refusal(() => issueInvoice(ctx, sale, undefined, AT_TILL)).code, 'VALIDATION');
  assert.equal(refusal(() => issueInvoice(ctx, sale, 'ghost', AT_TILL)).code, 'UNKNOWN_CUSTOMER');
  assert.equal(refusal(() => issueInvoice(ctx, sale, 'cust-gone', AT_TILL)).code, 'UNKNOWN_CUSTOMER', 'a deactivated customer is not invoiced');
  ctx.sqlite.prepare('UPDATE register_meta SET training = 1 WHERE id = 1').run();
  assert.deepEqual(refusal(() => issueInvoice(ctx, sale, 'cust-a', AT_TILL)), { code: 'INVOICE_REFUSED', details: { reason: 'training' } });
  ctx.sqlite.prepare('UPDATE register_meta SET training = 0 WHERE id = 1').run();
  assert.equal(invoiceCount(ctx), 0);
  assert.equal(issueInvoice(ctx, sale, 'cust-a', AT_TILL).invoice.invoiceNumber, 1, 'the first invoice is still number 1');
});

test('a second invoice of a ticket is refused by the database itself, whoever writes; a reprint is a signed duplicate', async () => {
  const ctx = await shop();
  const t1 = ticket(ctx, 'sale', 'cust-a');
  const inv = issueInvoice(ctx, t1, undefined, AT_TILL).invoice;
  assert.throws(() => ctx.sqlite.transaction(() => appendRecord(ctx, 'invoice', { ...inv.payload, reference: 'FA-1A2B3C4D-000002' }, new Date().toISOString()))(), /UNIQUE/);
  assert.equal(invoiceCount(ctx), 1);
  const dup = printInvoiceDuplicate(ctx, 1, MARIE);
  assert.deepEqual([dup.invoiceNumber, dup.duplicate?.number, dup.duplicate?.cashierName], [1, 1, 'Marie']);
  const dupRecord = ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'duplicate' AND number = 1").get() as { payload: string };
  assert.deepEqual(JSON.parse(dupRecord.payload), { type: 'duplicate', ticketNumber: t1, invoiceNumber: 1, cashierId: 'cashier-1' });
  assert.equal(refusal(() => printInvoiceDuplicate(ctx, 2, MARIE)).code, 'NOT_FOUND');
});

test('the monthly archive holds the invoice chain; an invoice altered in the file breaks it', async () => {
  const ctx = await shop();
  const t1 = ticket(ctx, 'sale', 'cust-a');
  const t2 = ticket(ctx, 'sale', 'cust-b');
  issueInvoice(ctx, t1, undefined, AT_TILL);
  issueInvoice(ctx, t2, undefined, AT_TILL);
  const archive = ctx.sqlite.transaction(() => signArchive(ctx, '2026-11', new Date(), t2))();
  assert.deepEqual(
    archive.payload.ranges.filter((r) => r.chain === 'invoice').map((r) => [r.from, r.to]),
    [[1, 2]],
  );
  const { text } = archiveFileOf(ctx, archive.number);
  const check = verifyArchive(text);
  assert.ok(check.ok, check.ok ? '' : check.reason);
  assert.deepEqual(check.ranges.filter((r) => r.chain === 'invoice').map((r) => [r.from, r.to]), [[1, 2]]);
  const altered = text.replace('"name":"Julien Moreau"', '"name":"Quelqu\'un d\'autre"');
  assert.notEqual(altered, text, 'the invoice is in the file');
  const broken = verifyArchive(altered);
  assert.equal(broken.ok, false);
});
