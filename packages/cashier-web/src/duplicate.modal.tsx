import type { Receipt } from '@comptoir/protocol';
import { KeyboardDialog } from './keyboard.dialog';
import { ReceiptView } from './receipt.view';
import { useScreen } from './screen.context';

/**
 * A duplicata of one of this register's tickets (returns screen), printed as it opens. Keyboard: the
 * dialog owns it like the others (KeyboardDialog: the background is inert, a scan is ignored): focus
 * on "close", Escape closes it, the focus back on the returns screen's "duplicata" button.
 */
export function DuplicateModal(props: { receipt: Receipt; onClose: () => void }) {
  const { t } = useScreen();
  return (
    <KeyboardDialog testId="duplicate-dialog" labelledBy="duplicate-title" onCancel={props.onClose}>
      <div className="modal-card done">
        <div className="done-head">
          <h2 id="duplicate-title">{t('duplicata')}</h2>
          <div className="modal-actions vertical">
            <button className="primary big" data-testid="duplicate-close" autoFocus onClick={props.onClose}>
              {t('close')}
            </button>
            <button className="secondary" onClick={() => window.print()}>
              {t('print')}
            </button>
          </div>
        </div>
        <div className="receipt-paper print-area">
          <ReceiptView receipt={props.receipt} />
        </div>
      </div>
    </KeyboardDialog>
  );
}
