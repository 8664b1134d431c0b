import PDFDocument from 'pdfkit';
import { formatEuros, formatRate } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { assertStoreObject } from '../stores/store-scope';
import { getDocument } from './document.service';

/** Money as shown on a French invoice: "1 234,50 €" (plain spaces: the PDF fonts are WinAnsi). */
/** Amounts as on the receipt (plain spaces: PDFKit's standard fonts have no narrow no-break space). */
const euros = (cents: number): string => formatEuros(cents, 'fr', { plain: true });

const TEXT = {
  fr: {
    title: 'FACTURE', ref: 'Référence', from: 'Établie d’après le ticket', register: 'caisse', soldAt: 'Vente du',
    customer: 'Client', item: 'Article', qty: 'Qté', unit: 'PU TTC', total: 'Total TTC', vat: 'TVA', base: 'Base HT',
    amount: 'Montant TVA', payments: 'Règlements', grand: 'Total TTC', chain: 'Ticket signé, chaîne', siret: 'SIRET', vatNo: 'N° TVA',
    cash: 'Espèces', card: 'Carte', cheque: 'Chèque',
  },
  en: {
    title: 'INVOICE', ref: 'Reference', from: 'Made from ticket', register: 'register', soldAt: 'Sold on',
    customer: 'Customer', item: 'Item', qty: 'Qty', unit: 'Unit incl. VAT', total: 'Total incl. VAT', vat: 'VAT', base: 'Net',
    amount: 'VAT amount', payments: 'Payments', grand: 'Total incl. VAT', chain: 'Signed ticket, chain', siret: 'SIRET', vatNo: 'VAT no.',
    cash: 'Cash', card: 'Card', cheque: 'Cheque',
  },
} as const;

/**
 * Invoice PDF made from an integrated ticket for a customer. Phases: load the ticket (with lines,
 * VAT, chain position), the customer (the ticket's own, or the one asked for) and the store; lay out
 * the PDF; return its bytes. The invoice reference is derived from the ticket (register + number),
 * so the same ticket always gives the same reference. Nothing is stored.
 */
export async function invoicePdf(
  ctx: Ctx,
  registerId: string,
  number: number,
  opts: { customerId?: string | undefined; lang: 'fr' | 'en' },
): Promise<{ filename: string; pdf: Buffer }> {
  const doc = await getDocument(ctx, registerId, number);
  const customerId = opts.customerId ?? doc.customerId;
  if (!customerId) throw new ComptoirError('VALIDATION', 'This ticket has no customer: say which customer to invoice (customerId)', { issues: [{ path: 'customerId', message: 'required' }] });
  const [customer, store] = await Promise.all([
    ctx.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst(),
    ctx.db.selectFrom('stores').selectAll().where('id', '=', doc.storeId).executeTakeFirst(),
  ]);
  // The one store rule (stores/store-scope.ts): the customer must be one the caller sees, and of the
  // ticket's own store — a store invoices its own customers, never another store's.
  const notFound = () => new ComptoirError('NOT_FOUND', `Unknown customer ${customerId} in this ticket's store`, { customerId });
  assertStoreObject(ctx, customer?.store_id, notFound);
  if (!customer || customer.store_id !== doc.storeId) throw notFound();
  const t = TEXT[opts.lang];
  const ref = `FA-${registerId.slice(0, 8).toUpperCase()}-${String(number).padStart(6, '0')}`;

  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t.title} ${ref}`, Author: store?.name ?? 'Comptoir' } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf.font('Helvetica-Bold').fontSize(16).text(store?.name ?? '', 50, 50);
  pdf.font('Helvetica').fontSize(9).text(store?.address ?? '').text(`${t.siret} ${store?.siret ?? ''} — ${t.vatNo} ${store?.vat_number ?? ''}`);
  pdf.font('Helvetica-Bold').fontSize(20).text(t.title, 350, 50, { width: 195, align: 'right' });
  pdf.font('Helvetica').fontSize(9).text(`${t.ref} ${ref}`, 350, 76, { width: 195, align: 'right' });
  pdf.text(`${t.from} n° ${number} (${t.register} ${doc.registerName ?? registerId})`, 300, 88, { width: 245, align: 'right' });
  pdf.text(`${t.soldAt} ${doc.soldAt.replace('T', ' ').slice(0, 19)} UTC`, 300, 100, { width: 245, align: 'right' });

  pdf.font('Helvetica-Bold').fontSize(10).text(t.customer, 50, 140);
  pdf.font('Helvetica').text(customer.name).text(customer.email ?? '').text(customer.phone ?? '');

  let y = 215;
  const cols = [50, 300, 350, 450];
  pdf.font('Helvetica-Bold').fontSize(9);
  pdf.text(t.item, cols[0]!, y).text(t.qty, cols[1]!, y).text(t.unit, cols[2]!, y).text(t.total, cols[3]!, y, { width: 95, align: 'right' });
  pdf.moveTo(50, y + 12).lineTo(545, y + 12).stroke();
  y += 18;
  pdf.font('Helvetica');
  for (const l of doc.lines ?? []) {
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
  for (const v of doc.vat ?? []) {
    pdf.text(formatRate(v.rate), 50, y).text(euros(v.baseCents), 200, y).text(euros(v.vatCents), 300, y).text(euros(v.totalCents), 450, y, { width: 95, align: 'right' });
    y += 14;
  }
  y += 10;
  pdf.font('Helvetica-Bold').fontSize(12).text(`${t.grand} ${euros(doc.totalCents)}`, 300, y, { width: 245, align: 'right' });
  y += 24;
  pdf.font('Helvetica').fontSize(9).text(
    `${t.payments}: ${(doc.payments ?? []).map((p) => `${t[p.method as 'cash' | 'card' | 'cheque'] ?? p.method} ${euros(p.amountCents)}`).join(', ')}`,
    50,
    y,
  );
  y += 24;
  if (doc.chain) {
    pdf.fontSize(7).fillColor('#555').text(`${t.chain} ${doc.chain.chain} n° ${doc.chain.number}: ${doc.signature.slice(0, 64)}…`, 50, y, { width: 495 });
  }
  pdf.end();
  return { filename: `${ref}.pdf`, pdf: await done };
}
