import { useEffect, useState } from 'react';
import type { Receipt, SaleResponse } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { KeyboardDialog } from './keyboard.dialog';
import { ReceiptView } from './receipt.view';
import { useScreen } from './screen.context';

/**
 * After a sale or a refund: its number, the change to give back, the receipt, print and reprint.
 * Keyboard: the dialog owns it like the others (KeyboardDialog: the background is inert, a scan is
 * ignored): focus on "new sale", Enter or Escape closes it (the next sale, the focus in the search).
 */
export function TicketDoneModal(props: { sale: SaleResponse; onClose: () => void }) {
  const { t, lang } = useScreen();
  const { sale } = props;
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // A training ticket has no receipt of the ticket chain: it is printed as what it is.
    if (sale.training) return;
    api.receipt(sale.number).then(setReceipt, (e: unknown) => setError(errorText(t, e)));
  }, [sale.number, sale.training, t]);

  async function reprint() {
    try {
      setReceipt(await api.duplicate(sale.number));
      setTimeout(() => window.print(), 0);
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  return (
    <KeyboardDialog testId="ticket-done-dialog" labelledBy="ticket-done-title" onCancel={props.onClose} onEnter={props.onClose}>
      <div className="modal-card done">
        <div className="done-head">
          <h2 id="ticket-done-title">{sale.kind === 'return' ? t('returnDone') : t('saleDone')}</h2>
          <p className="done-number">
            {t('ticketNo')} <strong data-testid="receipt-number">{sale.number}</strong>
          </p>
          {sale.changeCents > 0 && (
            <p className="change big" data-testid="change-due">
              {t('changeDue', { amount: formatEuros(sale.changeCents, lang) })}
            </p>
          )}
          {sale.training && <p className="error big" data-testid="training-ticket">{t('trainingTicket')}</p>}
          {sale.soldOffline && <p className="hint" data-testid="sold-offline">{t('offlineSale')}</p>}
          {error && <p className="error" role="alert">{error}</p>}
          <div className="modal-actions vertical">
            <button className="primary big" data-testid="new-sale" autoFocus onClick={props.onClose}>
              {t('newSale')} ({t('enterKey')})
            </button>
            <button className="secondary" data-testid="print-receipt" onClick={() => window.print()}>
              {t('print')}
            </button>
            {!sale.training && (
              <button className="secondary" data-testid="reprint" onClick={() => void reprint()}>
                {t('reprint')}
              </button>
            )}
          </div>
        </div>
        <div className="receipt-paper print-area">
          {sale.training && (
            <p className="receipt-training">
              <strong>{t('trainingTicket')}</strong> — n° {sale.number} — {formatEuros(sale.totalCents, lang)}
            </p>
          )}
          {receipt && <ReceiptView receipt={receipt} />}
        </div>
      </div>
    </KeyboardDialog>
  );
}
