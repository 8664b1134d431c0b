import { formatEuros, formatRate } from '@comptoir/domain';
import { ComptoirError, type DocumentDetail } from '@comptoir/protocol';
import { SHARED_MESSAGES } from '@comptoir/protocol/i18n';
import type { Ctx } from '../../context';
import { assertStoreObject } from '../stores/store-scope';
import { getDocument } from './document.service';
import { askRegisterForInvoice, forCustomer, storedTicketInvoice } from './ticket-invoice.service';

/** Amounts as on the receipt (plain spaces: PDFKit's standard fonts have no narrow no-break space). */
const euros = (cents: number): string => formatEuros(cents, 'fr', { plain: true });

/** The PDF's words; payment methods are named from the clients' shared catalogue (`method.*`), as in the sales journal's CSV. */
const TEXT = {
  fr: {
    title: 'FACTURE', ref: 'N°', issuedAt: 'Date d’émission', from: 'Établie d’après le ticket', register: 'caisse', soldAt: 'Vente du',
    customer: 'Client', item: 'Article', qty: 'Qté', unit: 'PU TTC', total: 'Total TTC', vat: 'TVA', base: 'Base HT',
    amount: 'Montant TVA', payments: 'Règlements', grand: 'Total TTC', exclVat: 'Total HT', vatTotal: 'Total TVA',
    signed: 'Facture signée, chaîne invoice', siret: 'SIRET', vatNo: 'N° TVA',
  },
  en: {
    title: 'INVOICE', ref: 'No.', issuedAt: 'Issued on', from: 'Made from ticket', register: 'register', soldAt: 'Sold on',
    customer: 'Customer', item: 'Item', qty: 'Qty', unit: 'Unit incl. VAT', total: 'Total incl. VAT', vat: 'VAT', base: 'Net',
    amount: 'VAT amount', payments: 'Payments', grand: 'Total incl. VAT', exclVat: 'Total excl. VAT', vatTotal: 'Total VAT',
    signed: 'Signed invoice, chain invoice', siret: 'SIRET', vatNo: 'VAT no.',
  },
} as const;

/**
 * PDFKit (with fontkit and its tables: the heaviest package central loads) is loaded the first time
 * an invoice is laid out, not with the server: most processes never print one (issue 8, test CPU).
 */
type PdfDocumentClass = typeof import('pdfkit');
let pdfKit: Promise<PdfDocumentClass> | undefined;
const loadPdfKit = (): Promise<PdfDocumentClass> => (pdfKit ??= import('pdfkit').then((m) => m.default));

const utc = (iso: string): string => `${iso.replace('T', ' ').slice(0, 19)} UTC`;

/** The customer to invoice when the ticket has no invoice yet: the one asked for, else the ticket's; of the ticket's own store. */
async function customerToInvoice(ctx: Ctx, doc: DocumentDetail, asked: string | undefined): Promise<string> {
  const customerId = asked ?? doc.customerId;
  if (!customerId) throw new ComptoirError('VALIDATION', 'This ticket has no customer: say which customer to invoice (customerId)', { issues: [{ path: 'customerId', message: 'required' }] });
  const customer = await ctx.db.selectFrom('customers').select('store_id').where('id', '=', customerId).executeTakeFirst();
  // The one store rule (stores/store-scope.ts): the customer must be one the caller sees, and of the
  // ticket's own store — a store invoices its own customers, never another store's.
  const notFound = () => new ComptoirError('NOT_FOUND', `Unknown customer ${customerId} in this ticket's store`, { customerId });
  assertStoreObject(ctx, customer?.store_id, notFound);
  if (!customer || customer.store_id !== doc.storeId) throw notFound();
  return customerId;
}

/**
 * The PDF of a ticket's signed invoice (docs/architecture.md §20). Phases: load the ticket (store
 * scope, 404) → its invoice as signed: the one central holds, or the one its register issues now
 * when asked (documents/ticket-invoice.service.ts: a customer other than the invoice's → 409, no
 * register → 503) → lay out the PDF from that record only (its number, seller, customer, lines, VAT,
 * totals: nothing recomputed) → its bytes. Nothing is stored.
 */
export async function invoicePdf(
  ctx: Ctx,
  registerId: string,
  number: number,
  opts: { customerId?: string | undefined; lang: 'fr' | 'en' },
): Promise<{ filename: string; pdf: Buffer }> {
  const doc = await getDocument(ctx, registerId, number);
  const stored = await storedTicketInvoice(ctx, registerId, number);
  const requestedBy = ctx.user?.kind === 'user' ? ctx.user.userId : 'central';
  const invoice = stored
    ? forCustomer(stored, opts.customerId)
    : await askRegisterForInvoice(ctx, registerId, { ticketNumber: number, customerId: await customerToInvoice(ctx, doc, opts.customerId), requestedBy });
  const p = invoice.payload;
  const t = TEXT[opts.lang];

  const PDFDocument = await loadPdfKit();
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t.title} ${p.reference}`, Author: p.seller.name } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf.font('Helvetica-Bold').fontSize(16).text(p.seller.name, 50, 50);
  pdf.font('Helvetica').fontSize(9).text(p.seller.address).text(`${t.siret} ${p.seller.siret} — ${t.vatNo} ${p.seller.vatNumber}`);
  pdf.font('Helvetica-Bold').fontSize(20).text(t.title, 350, 50, { width: 195, align: 'right' });
  pdf.font('Helvetica').fontSize(9).text(`${t.ref} ${p.reference}`, 300, 76, { width: 245, align: 'right' });
  pdf.text(`${t.issuedAt} ${utc(invoice.recordedAt)}`, 300, 88, { width: 245, align: 'right' });
  pdf.text(`${t.from} n° ${p.ticket.number} (${t.register} ${doc.registerName ?? registerId})`, 300, 100, { width: 245, align: 'right' });
  pdf.text(`${t.soldAt} ${utc(p.ticket.soldAt)}`, 300, 112, { width: 245, align: 'right' });

  pdf.font('Helvetica-Bold').fontSize(10).text(t.customer, 50, 140);
  pdf.font('Helvetica').text(p.customer.name).text(p.customer.email ?? '').text(p.customer.phone ?? '');

  let y = 215;
  const cols = [50, 300, 350, 450];
  pdf.font('Helvetica-Bold').fontSize(9);
  pdf.text(t.item, cols[0]!, y).text(t.qty, cols[1]!, y).text(t.unit, cols[2]!, y).text(t.total, cols[3]!, y, { width: 95, align: 'right' });
  pdf.moveTo(50, y + 12).lineTo(545, y + 12).stroke();
  y += 18;
  pdf.font('Helvetica');
  for (const l of p.lines) {
    if (y > 720) {
      pdf.addPage();
      y = 50;
    }
    pdf.text(`${l.label} (${l.sku})`, cols[0]!, y, { width: 240 });
    pdf.text(String(l.quantity), cols[1]!, y).text(euros(l.unitPriceCents), cols[2]!, y).text(euros(l.totalCents), cols[3]!, y, { width: 95, align: 'right' });
    y += 14;
  }
  y += 10;
  pdf.font('Helvetica-Bold').text(t.vat, 50, y).text(t.base, 200, y).text(t.amount, 300, y).text(t.total, 450, y, { width: 95, align: 'right' });
  y += 14;
  pdf.font('Helvetica');
  for (const v of p.vat) {
    pdf.text(formatRate(v.rate), 50, y).text(euros(v.baseCents), 200, y).text(euros(v.vatCents), 300, y).text(euros(v.totalCents), 450, y, { width: 95, align: 'right' });
    y += 14;
  }
  y += 10;
  pdf.font('Helvetica').fontSize(10).text(`${t.exclVat} ${euros(p.totalExclVatCents)}`, 300, y, { width: 245, align: 'right' });
  y += 14;
  pdf.text(`${t.vatTotal} ${euros(p.vatCents)}`, 300, y, { width: 245, align: 'right' });
  y += 16;
  pdf.font('Helvetica-Bold').fontSize(12).text(`${t.grand} ${euros(p.totalCents)}`, 300, y, { width: 245, align: 'right' });
  y += 24;
  pdf.font('Helvetica').fontSize(9).text(`${t.payments}: ${p.payments.map((m) => `${SHARED_MESSAGES[opts.lang][`method.${m.method}`]} ${euros(m.amountCents)}`).join(', ')}`, 50, y);
  y += 24;
  pdf.fontSize(7).fillColor('#555').text(`${t.signed} n° ${invoice.number}: ${invoice.signature.slice(0, 64)}…`, 50, y, { width: 495 });
  pdf.end();
  return { filename: `${p.reference}.pdf`, pdf: await done };
}
