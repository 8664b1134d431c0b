import { formatEuros, formatRate } from '@comptoir/domain';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { PaymentMethod, Receipt } from '@comptoir/protocol';

// A receipt as ESC/POS bytes for an 80 mm thermal printer (48 columns, font A), with the same NF525
// mentions as the HTML receipt of the cashier screen: store, address, SIRET, VAT number, ticket
// number, date and time, register, cashier, lines, per-VAT totals, payments, change, signature
// extract, software version; DUPLICATA (and the duplicate's number, date and extract) on a reprint.
// Text is encoded in code page 858 (Latin-1 letters and €); what it cannot encode prints as "?".

export interface EscPosOptions {
  /** Characters per line: 48 for 80 mm paper (default), 32 for 58 mm. */
  columns?: number;
}

const METHOD: Record<PaymentMethod, string> = { cash: 'Espèces', card: 'Carte', cheque: 'Chèque', credit_note: 'Avoir', meal_voucher: 'Titre-restaurant', gift_card: 'Carte cadeau' };

/** 123456 → "1 234,56 €" (plain spaces: a printer's code page has no narrow no-break space). */
export function euros(cents: number): string {
  return formatEuros(cents, 'fr', { plain: true });
}

function dateTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('fr-FR', {
    timeZone,
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** The receipt as the bytes to send to an ESC/POS printer, ending with a feed and a full cut. */
export function encodeReceiptEscPos(receipt: Receipt, opts: EscPosOptions = {}): Uint8Array {
  const columns = opts.columns ?? 48;
  const { store, ticket, duplicate } = receipt;
  const e = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, feedBeforeCut: 4 });
  const amountWidth = 14;
  const twoCols = [
    { width: columns - amountWidth, marginRight: 1 },
    { width: amountWidth - 1, align: 'right' as const },
  ];
  const row = (left: string, right: string) => e.table(twoCols, [[left, right]]);

  e.initialize().codepage('cp858');

  if (duplicate) {
    e.align('center').bold(true).size(2, 2).line('DUPLICATA').size(1, 1).bold(false);
    e.line(`Duplicata n° ${duplicate.number} - ${dateTime(duplicate.printedAt, store.timezone)}`);
    e.line(`Réimprimé par ${duplicate.cashierName}`);
    e.newline();
  }

  e.align('center').bold(true).size(2, 1).line(store.name).size(1, 1).bold(false);
  for (const part of store.address.split(/\n|, */).filter(Boolean)) e.line(part);
  e.line(`SIRET ${store.siret}`);
  e.line(`N° TVA ${store.vatNumber}`);
  e.align('left').rule();

  e.bold(true).line(`${ticket.kind === 'return' ? 'Retour' : 'Vente'} - Ticket n° ${ticket.number}`).bold(false);
  if (ticket.original) e.line(`Ticket d'origine n° ${ticket.original.number}`);
  e.line(dateTime(ticket.soldAt, store.timezone));
  e.line(`Caisse : ${store.registerName}`);
  e.line(`Caissier : ${receipt.cashierName}`);
  if (receipt.customerName) e.line(`Client : ${receipt.customerName}`);
  e.rule();

  for (const l of ticket.lines) {
    row(l.label, euros(l.totalCents));
    let detail = `  ${l.quantity} x ${euros(l.unitPriceCents)} (TVA ${formatRate(l.vatRate)})`;
    if (l.discountCents > 0) detail += ` - Remise ${euros(l.discountCents)}`;
    e.line(detail);
  }
  if (ticket.giftCard) {
    // A gift card's sale (§25): the card is the ticket's one line, outside VAT; its reference and Code 128 are what the customer spends.
    row(`Carte cadeau ${ticket.giftCard.reference}`, euros(ticket.giftCard.amountCents));
    e.line('  Hors champ de TVA (due à l\'utilisation)');
    e.align('center').barcode(ticket.giftCard.reference, 'code128', { height: 60, width: 2, text: false }).line(ticket.giftCard.reference).align('left');
  }
  e.rule();

  e.bold(true).size(1, 2);
  row('TOTAL TTC', euros(ticket.totalCents));
  e.size(1, 1).bold(false);
  e.newline();

  const q = Math.floor((columns - 10) / 3);
  const vatCols = [
    { width: 10 },
    { width: q, align: 'right' as const },
    { width: q, align: 'right' as const },
    { width: columns - 10 - 2 * q, align: 'right' as const },
  ];
  e.table(vatCols, [
    ['Taux TVA', 'HT', 'TVA', 'TTC'],
    ...ticket.vat.map((v) => [formatRate(v.rate), euros(v.baseCents), euros(v.vatCents), euros(v.totalCents)]),
  ]);
  e.rule();

  // An avoir prints its reference (architecture §19): the customer brings it back to spend it.
  for (const p of ticket.payments) row(`${METHOD[p.method] ?? p.method}${p.reference ? ` ${p.reference}` : ''}`, euros(p.amountCents));
  if (ticket.changeCents > 0) row('Rendu', euros(ticket.changeCents));
  e.rule();

  if (receipt.reference) {
    // The reference, printed and as a Code 128 barcode: scanned at any register of the store, it opens this ticket.
    e.align('center').line(receipt.reference).barcode(receipt.reference, 'code128', { height: 60, width: 2, text: false }).align('left');
  }
  e.line(`Signature ${receipt.signatureExtract}${duplicate ? ` / ${duplicate.signatureExtract}` : ''}`);
  e.line(`Logiciel ${store.softwareName} ${store.softwareVersion}`);
  if (duplicate) e.align('center').bold(true).line('DUPLICATA').bold(false);
  e.align('center').line('Merci de votre visite').align('left');
  e.cut('full');
  return e.encode();
}

/**
 * The cash drawer's kick as ESC/POS bytes: initialize (`ESC @`, `FS .`, `ESC M 0`, as a receipt
 * starts), then `ESC p 0 t1 t2` (a pulse on the drawer
 * connector's pin 2, 100 ms on, 500 ms off: the drawer wired to the printer opens). No paper moves.
 */
export function encodeDrawerKick(): Uint8Array {
  return new ReceiptPrinterEncoder({ language: 'esc-pos' }).initialize().pulse(0, 100, 500).encode();
}
