import { useEffect, useMemo, useState } from 'react';
import type { SaleResponse } from '@comptoir/protocol';
import { formatEuros, parseEuros } from '@comptoir/domain/money';
import { checkGiftCardAmount, DEFAULT_GIFT_CARD_MAX_CENTS, GIFT_CARD_SALE_METHODS } from '@comptoir/domain/gift-card';
import { api } from './api.client';
import { AmountEntry } from './amount-entry.view';
import { errorText } from './i18n.messages';
import { KeyboardDialog } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * "Carte cadeau": selling a gift card of a typed amount (docs/architecture.md §25), its own ticket
 * (no goods, no VAT), apart from the sale in progress (the cart stays as it is). The dialog owns the
 * keyboard (KeyboardDialog): focus in the amount (euros, comma or dot), Enter sells it paid in cash,
 * or a button pays it by card or cheque, the whole amount (money only: never an avoir, a voucher or
 * another card); Escape cancels. Above 0 and at most the store's cap (its SOS copy; the default until
 * it answers), checked here and again by the register, whose refusals are shown from their codes.
 * One POST /api/gift-cards with an idempotency key: a retry never sells the card twice. The ticket
 * done (its receipt: the card's reference CC-… and its barcode) follows.
 */
export function GiftCardSaleDialog(props: { onDone: (sale: SaleResponse) => void; onCancel: () => void }) {
  const { t, lang } = useScreen();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [maxCents, setMaxCents] = useState(DEFAULT_GIFT_CARD_MAX_CENTS);
  const clientSaleId = useMemo(() => crypto.randomUUID(), []);
  useEffect(() => {
    api.store().then((s) => setMaxCents(s.giftCardMaxCents), () => undefined);
  }, []);

  async function sell(method: (typeof GIFT_CARD_SALE_METHODS)[number]) {
    if (busy) return;
    const cents = parseEuros(text);
    if (cents === null) return setError(t('badAmount'));
    const checked = checkGiftCardAmount(cents, maxCents);
    if (!checked.ok) {
      return setError(checked.code === 'GIFT_CARD_MAX' ? t('giftCardAboveMax', { max: formatEuros(maxCents, lang) }) : errorText(t, { code: 'PAYMENT_REFUSED', details: { reason: checked.code } }));
    }
    setBusy(true);
    setError(null);
    try {
      props.onDone(await api.sellGiftCard({ amountCents: checked.value, payments: [{ method, amountCents: checked.value }], clientSaleId }));
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <KeyboardDialog testId="gift-card-dialog" labelledBy="gift-card-title" onCancel={() => !busy && props.onCancel()} onEnter={() => void sell('cash')}>
      <div className="modal-card gift-card">
        <h2 id="gift-card-title">{t('giftCardSellTitle')}</h2>
        <AmountEntry
          id="gift-card"
          label={t('giftCardAmount')}
          value={text}
          onChange={(v) => {
            setText(v);
            setError(null);
          }}
          capCents={maxCents}
          capText={t('giftCardMaxHint', { max: formatEuros(maxCents, lang) })}
          error={error}
        />
        <div className="methods">
          {GIFT_CARD_SALE_METHODS.map((m) => (
            <button key={m} className="method" data-testid={`gift-card-pay-${m}`} disabled={busy} onClick={() => void sell(m)}>
              {t(m)}
              {m === 'cash' && ' (↵)'}
            </button>
          ))}
        </div>
        <div className="modal-actions">
          <button className="secondary" data-testid="gift-card-cancel" onClick={props.onCancel}>
            {t('cancel')} ({t('escKey')})
          </button>
        </div>
      </div>
    </KeyboardDialog>
  );
}
