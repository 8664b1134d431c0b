import { useState } from 'react';
import type { LocalProduct } from '@comptoir/protocol';
import { formatEuros, parseEuros } from '@comptoir/domain/money';
import { AmountEntry } from './amount-entry.view';
import { KeyboardDialog } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * The price of an open-price item (a catalog item flagged open price, with a cap), typed by the
 * cashier when the item is scanned or tapped. Like the payment, the dialog owns the keyboard while
 * open (KeyboardDialog): focus in the amount field (euros, comma or dot), Enter confirms a price above 0 and at most
 * the cap, Escape cancels (nothing is added); the background is inert and a scan typed into it is
 * ignored (DialogScanGuard). The register checks the price again when the sale is posted.
 */
export function OpenPriceDialog(props: { product: LocalProduct; quantity: number; onDone: (unitPriceCents: number) => void; onCancel: () => void }) {
  const { t, lang } = useScreen();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const cap = props.product.openPriceMaxCents ?? 0;

  function confirm() {
    const cents = parseEuros(text);
    if (cents === null || cents === 0) return setError(t('badAmount'));
    if (cents > cap) return setError(t('openPriceAboveCap', { max: formatEuros(cap, lang) }));
    props.onDone(cents);
  }

  return (
    <KeyboardDialog testId="open-price-dialog" label={t('openPriceTitle')} onCancel={props.onCancel} onEnter={confirm}>
      <div className="modal-card open-price">
        <h2>
          {t('openPriceTitle')} — <span data-testid="open-price-label">{props.product.label}</span>
          {props.quantity > 1 && ` × ${props.quantity}`}
        </h2>
        <AmountEntry
          id="open-price"
          label={t('openPriceAmount')}
          value={text}
          onChange={(v) => {
            setText(v);
            setError(null);
          }}
          capCents={cap}
          capText={t('openPriceCap', { max: formatEuros(cap, lang) })}
          error={error}
        />
        <div className="modal-actions">
          <button className="secondary" data-testid="open-price-cancel" onClick={props.onCancel}>
            {t('cancel')} ({t('escKey')})
          </button>
          <button className="primary big" data-testid="open-price-confirm" onClick={confirm}>
            {t('openPriceConfirm')} (↵)
          </button>
        </div>
      </div>
    </KeyboardDialog>
  );
}
