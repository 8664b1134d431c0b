import { useEffect, useState } from 'react';
import type { HeldSale } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { formatTime } from './money.format';
import { KeyboardDialog } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * The sales on hold of this register (kept in its database, so a restart keeps them): one is
 * recalled into the empty sale screen (recalling takes it off the list, on the register). It owns the
 * keyboard (KeyboardDialog): Escape closes; Enter is the focused button's (close, or a recall).
 */
export function HeldSalesDialog(props: { canRecall: boolean; onRecall: (sale: HeldSale) => void; onClose: () => void }) {
  const { t, lang, status } = useScreen();
  const [items, setItems] = useState<HeldSale[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.heldSales().then((r) => setItems(r.items), (e: unknown) => setError(errorText(t, e)));
  }, [t]);

  async function recall(id: number) {
    try {
      props.onRecall(await api.recallSale(id));
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  return (
    <KeyboardDialog testId="held-dialog" labelledBy="held-title" onCancel={props.onClose}>
      <div className="modal-card">
        <h2 id="held-title">{t('heldTitle')}</h2>
        {!props.canRecall && <p className="hint">{t('heldCartNotEmpty')}</p>}
        {items && items.length === 0 && <p className="hint">{t('heldNone')}</p>}
        <ul className="list">
          {items?.map((h) => (
            <li key={h.id} data-testid="held-sale" data-id={h.id}>
              <span className="list-row">
                <span>{formatTime(h.heldAt, lang, status?.storeTimezone)}</span>
                <span>{t('heldLines', { n: h.lines.reduce((s, l) => s + l.quantity, 0) })}</span>
                <span>{h.customer?.name ?? ''}</span>
                <strong>{formatEuros(h.totalCents, lang)}</strong>
              </span>
              <button className="primary" data-testid="held-recall" disabled={!props.canRecall} onClick={() => void recall(h.id)}>
                {t('heldRecall')}
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p className="error" role="alert" data-testid="held-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button className="secondary" data-testid="held-close" autoFocus onClick={props.onClose}>
            {t('close')} ({t('escKey')})
          </button>
        </div>
      </div>
    </KeyboardDialog>
  );
}
