import type { Receipt } from '@comptoir/protocol';
import { formatEuros, formatRate } from '@comptoir/domain/money';
import { formatDateTime } from './money.format';
import { useScreen } from './screen.context';
import { TicketBarcode } from './ticket-barcode.view';
import { VatTable } from './vat-table.view';

/**
 * The receipt as printed on 80 mm thermal paper (see `@media print` in styles.css), with the NF525
 * mentions (and the ticket's reference with its Code 128 barcode): store, address, SIRET, VAT number, ticket number, date and time, register, cashier,
 * lines, per-VAT totals, payments, change, signature extract, software version; DUPLICATA on a reprint.
 */
export function ReceiptView({ receipt }: { receipt: Receipt }) {
  const { t, lang } = useScreen();
  const { store, ticket } = receipt;
  const money = (c: number) => formatEuros(c, lang);
  return (
    <article className="receipt" data-testid="receipt">
      {receipt.duplicate && (
        <div className="receipt-duplicata" data-testid="receipt-duplicata">
          <strong>{t('duplicata')}</strong>
          <div>{t('duplicataNo', { n: receipt.duplicate.number })} — {formatDateTime(receipt.duplicate.printedAt, lang, store.timezone)}</div>
        </div>
      )}
      <header>
        <strong className="receipt-store">{store.name}</strong>
        <div>{store.address}</div>
        <div>
          {t('siret')} {store.siret}
        </div>
        <div>
          {t('vatNumber')} {store.vatNumber}
        </div>
      </header>
      <div className="receipt-meta">
        <div>
          {ticket.kind === 'return' ? t('return') : t('sale')} — {t('ticketNo')} {ticket.number}
        </div>
        {ticket.original && (
          <div>
            ↩ {t('ticketNo')} {ticket.original.number}
          </div>
        )}
        {receipt.reference && <div data-testid="receipt-reference">{receipt.reference}</div>}
        <div>{formatDateTime(ticket.soldAt, lang, store.timezone)}</div>
        <div>
          {t('receiptRegister')} : {store.registerName} · {t('receiptCashier')} : {receipt.cashierName}
        </div>
        {receipt.customerName && (
          <div>
            {t('customer')} {receipt.customerName}
          </div>
        )}
      </div>
      <table className="receipt-lines">
        <tbody>
          {ticket.lines.map((l) => (
            <tr key={l.lineNo}>
              <td>
                {l.label}
                <div className="receipt-sub">
                  {l.quantity} × {money(l.unitPriceCents)} ({formatRate(l.vatRate, lang)})
                  {l.discountCents > 0 && ` − ${t('discount')} ${money(l.discountCents)}`}
                </div>
              </td>
              <td className="num">{money(l.totalCents)}</td>
            </tr>
          ))}
          {ticket.giftCard && (
            <tr>
              <td>
                {t('giftCardLine')} <span data-testid="receipt-gift-card">{ticket.giftCard.reference}</span>
                <div className="receipt-sub">{t('giftCardOutsideVat')}</div>
              </td>
              <td className="num">{money(ticket.giftCard.amountCents)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {ticket.giftCard && <TicketBarcode value={ticket.giftCard.reference} testId="receipt-gift-card-barcode" />}
      <div className="receipt-total">
        <span>{t('total')} TTC</span>
        <strong>{money(ticket.totalCents)}</strong>
      </div>
      <VatTable vat={ticket.vat} className="receipt-vat" />
      <div className="receipt-payments">
        {ticket.payments.map((p, i) => (
          <div key={i} className="row">
            <span data-testid={p.reference ? 'receipt-credit-note' : undefined}>
              {t(p.method)}
              {p.reference ? ` ${p.reference}` : ''}
            </span>
            <span>{money(p.amountCents)}</span>
          </div>
        ))}
        {ticket.changeCents > 0 && (
          <div className="row">
            <span>{t('change')}</span>
            <span>{money(ticket.changeCents)}</span>
          </div>
        )}
      </div>
      <footer>
        <div>
          {t('receiptSignature')} {receipt.signatureExtract}
          {receipt.duplicate && ` · ${receipt.duplicate.signatureExtract}`}
        </div>
        <div>
          {t('receiptSoftware')} {store.softwareName} {store.softwareVersion}
        </div>
        {receipt.reference && <TicketBarcode value={receipt.reference} />}
        <div>{t('receiptThanks')}</div>
      </footer>
    </article>
  );
}
