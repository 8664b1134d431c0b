import { useEffect, useMemo, useRef, useState } from 'react';
import { CreditNoteReference, GiftCardReference, type PaymentMethod, type SaleResponse } from '@comptoir/protocol';
import { api, ApiError } from './api.client';
import { useApproval } from './approval.dialog';
import { cartMealVoucherEligible, cartTotal, saleLines, ticketDiscountOf, type Cart } from './cart.state';
import { errorText } from './i18n.messages';
import { KeyboardDialog } from './keyboard.dialog';
import { formatEuros, parseEuros } from '@comptoir/domain/money';
import { DEFAULT_MEAL_VOUCHER_CAP_CENTS, mealVoucherCents, mealVoucherDefaultCents, mealVoucherTender } from '@comptoir/domain/meal-voucher';
import { useScreen } from './screen.context';

/** A tender of the dialog; `unchecked` (screen only, never sent): a stored value nobody could check, the register asks a manager. */
type Tender = { method: PaymentMethod; amountCents: number; reference?: string; unchecked?: true };

/**
 * The stored-value tenders (an avoir §19, a gift card §25): a reference scanned or typed, looked up
 * for what is left of it. `uncheckedReason`: the register's `details.reason` when nobody (central,
 * the issuing register) can be asked; the tender is then taken unchecked and the sale needs a manager.
 */
type StoredMethod = 'credit_note' | 'gift_card';
const STORED: Record<
  StoredMethod,
  { testId: string; placeholder: string; label: 'creditNoteReference' | 'giftCardReference'; spent: 'err.CREDIT_NOTE_SPENT' | 'err.GIFT_CARD_SPENT'; unknown: 'creditNoteUnknown' | 'giftCardUnknown'; badReference: 'creditNoteBadReference' | 'giftCardBadReference'; uncheckedReason: string; valid: (ref: string) => boolean; lookUp: (ref: string) => Promise<{ reference: string; balanceCents: number }> }
> = {
  credit_note: { testId: 'credit-note', placeholder: 'AV-…', label: 'creditNoteReference', spent: 'err.CREDIT_NOTE_SPENT', unknown: 'creditNoteUnknown', badReference: 'creditNoteBadReference', uncheckedReason: 'credit_note_unchecked', valid: (r) => CreditNoteReference.safeParse(r).success, lookUp: api.creditNote },
  gift_card: { testId: 'gift-card', placeholder: 'CC-…', label: 'giftCardReference', spent: 'err.GIFT_CARD_SPENT', unknown: 'giftCardUnknown', badReference: 'giftCardBadReference', uncheckedReason: 'gift_card_unchecked', valid: (r) => GiftCardReference.safeParse(r).success, lookUp: api.giftCard },
};

/** Next banknote amounts above `due` (quick cash buttons). */
function quickCash(due: number): number[] {
  const notes = [500, 1000, 2000, 5000, 10000];
  const out = new Set<number>();
  for (const n of notes) {
    const v = Math.ceil(due / n) * n;
    if (v > due) out.add(v);
  }
  return [...out].sort((a, b) => a - b).slice(0, 4);
}

/**
 * Payment. Phases: tenders are added (cash, card, cheque, avoir, gift card, meal voucher; several = mixed) → the cashier confirms
 * (for a card: once the external terminal accepted it) → one POST /api/sales with an idempotency
 * key, so a retry after a lost answer never records the sale twice. Refusals are shown as the
 * register words them; nothing is recorded then.
 * Keyboard: the dialog owns it while open (the background is inert, a scan is ignored by
 * DialogScanGuard). Focus is in the amount field and comes back to it after each tender; Enter there
 * tenders the amount typed in cash (the rest due when nothing is typed), and once nothing is left to
 * pay Enter confirms; Escape cancels (KeyboardDialog).
 * A refused tender (an amount that does not read, a meal voucher above the cap, the eligible items or
 * what is due, a spent avoir) clears the amount typed: the next tender never takes a refused amount by surprise.
 * A meal voucher (architecture §24) is refused above what remains due (no change is given on it),
 * above the store's cap per ticket or above what the cart's food items come to (eligible lines), with
 * the register's own words for it; with nothing typed it tenders what those limits still allow. The
 * register checks again.
 * An avoir or a gift card (STORED): its reference typed or scanned into its field (a scan there is
 * taken, not ignored: `data-scan-target`), looked up; it tenders at most what is left of it (less
 * what this dialog already tendered of it) and what is due (no change). Spent, unknown or not a
 * reference: refused in words. Nobody can check it: tendered unchecked, and at confirm the register
 * asks a manager's approval (withApproval).
 */
export function PaymentPanel(props: { cart: Cart; onDone: (sale: SaleResponse) => void; onCancel: () => void }) {
  const { t, lang, status } = useScreen();
  const withApproval = useApproval();
  const total = cartTotal(props.cart);
  const voucherEligible = cartMealVoucherEligible(props.cart);
  const [tenders, setTenders] = useState<Tender[]>([]);
  const [amountText, setAmountText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const clientSaleId = useMemo(() => crypto.randomUUID(), []);
  const amountRef = useRef<HTMLInputElement>(null);

  const paid = tenders.reduce((s, p) => s + p.amountCents, 0);
  const due = Math.max(0, total - paid);
  const change = Math.max(0, paid - total);
  const hasCard = tenders.some((p) => p.method === 'card');

  /** A refusal: said in words, and the amount typed is cleared (it was refused; the cashier types again). */
  function refuse(message: string) {
    setError(message);
    setAmountText('');
  }

  // The store's meal-voucher cap per ticket (its SOS copy); the legal default until it answers.
  const [voucherCapCents, setVoucherCapCents] = useState(DEFAULT_MEAL_VOUCHER_CAP_CENTS);
  useEffect(() => {
    api.store().then((s) => setVoucherCapCents(s.mealVoucherCapCents), () => undefined);
  }, []);
  function addMealVoucher() {
    const typed = amountText.trim() ? parseEuros(amountText) : null;
    amountRef.current?.focus();
    if (amountText.trim() && typed === null) return refuse(t('badAmount'));
    // Nothing typed: what is due, within what the cap and the eligible items still allow on this ticket
    // (nothing left: the amount due, refused with the reason).
    const soFar = mealVoucherCents(tenders);
    const allowed = mealVoucherDefaultCents(due, soFar, voucherCapCents, voucherEligible);
    const taken = mealVoucherTender(due, soFar, typed ?? (allowed > 0 ? allowed : due), voucherCapCents, voucherEligible);
    if (!taken.ok) return refuse(errorText(t, { code: 'PAYMENT_REFUSED', details: { reason: taken.code } }));
    setTenders((ts) => [...ts, { method: 'meal_voucher', amountCents: taken.value }]);
    setAmountText('');
    setError(null);
  }

  function addTender(method: PaymentMethod, amount?: number) {
    const typed = amountText.trim() ? parseEuros(amountText) : null;
    amountRef.current?.focus();
    if (amount === undefined && amountText.trim() && typed === null) return refuse(t('badAmount'));
    const cents = amount ?? typed ?? due;
    if (cents <= 0) return;
    setTenders((ts) => [...ts, { method, amountCents: cents }]);
    setAmountText('');
    setError(null);
  }

  // An avoir or a gift card: the reference field open for one of them (null: closed).
  const [stored, setStored] = useState<{ method: StoredMethod; text: string } | null>(null);
  async function addStoredValue() {
    if (!stored?.text.trim()) return;
    const kind = STORED[stored.method];
    const typed = amountText.trim() ? parseEuros(amountText) : null;
    if (amountText.trim() && typed === null) return refuse(t('badAmount'));
    const wanted = Math.min(typed ?? due, due);
    if (wanted <= 0) return;
    let reference = stored.text.trim().toUpperCase();
    if (!kind.valid(reference)) return refuse(t(kind.badReference));
    let left: number | null;
    try {
      const value = await kind.lookUp(reference);
      reference = value.reference;
      left = value.balanceCents - tenders.reduce((s, p) => (p.reference === reference ? s + p.amountCents : s), 0);
    } catch (e) {
      // "Nobody can check it" is believed only while the register is cut from central: connected,
      // central's own "not found" is the answer (a made-up reference names no register of the store).
      const unchecked = e instanceof ApiError && e.code === 'UNAVAILABLE_OFFLINE' && e.details?.reason === kind.uncheckedReason;
      if (!unchecked || status?.mode === 'connected') {
        return refuse((e instanceof ApiError && e.code === 'NOT_FOUND') || unchecked ? t(kind.unknown) : errorText(t, e));
      }
      left = null; // nobody to ask: the register will want a manager's approval
    }
    if (left !== null && left <= 0) return refuse(t(kind.spent));
    const cents = left === null ? wanted : Math.min(wanted, left);
    setTenders((ts) => [...ts, { method: stored.method, amountCents: cents, reference, ...(left === null ? { unchecked: true as const } : {}) }]);
    setStored(null);
    setAmountText('');
    setError(null);
    amountRef.current?.focus();
  }
  const toggleStored = (method: StoredMethod) => setStored(stored?.method === method ? null : { method, text: '' });

  const canConfirm = !busy && !(total > 0 && due > 0);

  // Enter (outside a button) is the payment's: the amount typed (or the rest due) in cash, or confirm.
  function onEnter() {
    if (amountText.trim() || due > 0) addTender('cash');
    else if (canConfirm) void confirm();
  }

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const sale = await withApproval((approval) =>
        api.sell({
          lines: saleLines(props.cart),
          ...(props.cart.ticketDiscount && ticketDiscountOf(props.cart) > 0 ? { ticketDiscount: props.cart.ticketDiscount } : {}),
          payments: tenders.map(({ unchecked: _unchecked, ...p }) => p),
          clientSaleId,
          ...(props.cart.customer ? { customerId: props.cart.customer.id } : {}),
          ...(approval ? { approval } : {}),
        }),
      );
      props.onDone(sale);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <KeyboardDialog testId="payment-dialog" label={t('payment')} onCancel={() => !busy && props.onCancel()} onEnter={onEnter}>
      <div className="modal-card payment">
        <h2>
          {t('payment')} — {t('total')} <span data-testid="payment-total">{formatEuros(total, lang)}</span>
        </h2>
        <div className="payment-due">
          <span>{t('due')}</span>
          <strong data-testid="payment-due" data-cents={due}>
            {formatEuros(due, lang)}
          </strong>
        </div>
        <label className="amount">
          {t('amount')}
          <input
            ref={amountRef}
            autoFocus
            autoComplete="off"
            data-testid="payment-amount"
            inputMode="decimal"
            placeholder={formatEuros(due, lang)}
            value={amountText}
            onChange={(e) => setAmountText(e.target.value)}
          />
        </label>
        <div className="methods">
          <button className="method" data-testid="pay-cash" disabled={due === 0 && !amountText} onClick={() => addTender('cash')}>
            {t('cash')}
          </button>
          <button className="method" data-testid="pay-card" disabled={due === 0} onClick={() => addTender('card', amountText ? undefined : due)}>
            {t('card')}
          </button>
          <button className="method" data-testid="pay-cheque" disabled={due === 0} onClick={() => addTender('cheque', amountText ? undefined : due)}>
            {t('cheque')}
          </button>
          <button className="method" data-testid="pay-credit-note" disabled={due === 0} aria-pressed={stored?.method === 'credit_note'} onClick={() => toggleStored('credit_note')}>
            {t('credit_note')}
          </button>
          <button className="method" data-testid="pay-gift-card" disabled={due === 0} aria-pressed={stored?.method === 'gift_card'} onClick={() => toggleStored('gift_card')}>
            {t('gift_card')}
          </button>
          <button className="method" data-testid="pay-meal-voucher" disabled={due === 0} onClick={addMealVoucher}>
            {t('meal_voucher')}
          </button>
        </div>
        {stored && (
          <div className="credit-note">
            <input
              key={stored.method}
              autoFocus
              data-testid={`${STORED[stored.method].testId}-reference`}
              // A scanned reference is what this field is for: DialogScanGuard lets its Enter through.
              data-scan-target=""
              aria-label={t(STORED[stored.method].label)}
              placeholder={STORED[stored.method].placeholder}
              autoComplete="off"
              value={stored.text}
              onChange={(e) => {
                setStored({ method: stored.method, text: e.target.value });
                setError(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  e.stopPropagation();
                  void addStoredValue();
                }
              }}
            />
            <button className="secondary" data-testid={`${STORED[stored.method].testId}-apply`} onClick={() => void addStoredValue()}>
              {t('confirm')}
            </button>
          </div>
        )}
        {due > 0 && (
          <div className="quick">
            {quickCash(due).map((v) => (
              <button key={v} className="secondary" data-testid={`quick-cash-${v}`} onClick={() => addTender('cash', v)}>
                {formatEuros(v, lang)}
              </button>
            ))}
          </div>
        )}
        <ul className="tenders" data-testid="tenders">
          {tenders.map((p, i) => (
            <li key={i} data-testid="tender" data-method={p.method}>
              <span>
                {t(p.method)}
                {p.reference ? ` ${p.reference}` : ''}
                {p.unchecked && <em data-testid="tender-unchecked"> ({t('tenderUnchecked')})</em>}
              </span>
              <span>{formatEuros(p.amountCents, lang)}</span>
              <button
                className="small danger"
                data-testid="tender-remove"
                onClick={() => {
                  setTenders((ts) => ts.filter((_, k) => k !== i));
                  amountRef.current?.focus();
                }}
              >
                {t('removePayment')}
              </button>
            </li>
          ))}
        </ul>
        {change > 0 && (
          <p className="change" data-testid="payment-change" data-cents={change}>
            {t('changeDue', { amount: formatEuros(change, lang) })}
          </p>
        )}
        {hasCard && due === 0 && <p className="hint">{t('cardConfirm')}</p>}
        <p className="hint">{due > 0 ? t('enterTenders') : t('enterConfirms')}</p>
        {error && (
          <p className="error" role="alert" data-testid="payment-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button className="secondary" data-testid="payment-cancel" onClick={props.onCancel}>
            {t('cancel')} ({t('escKey')})
          </button>
          <button className="primary big" data-testid="confirm-payment" disabled={!canConfirm} onClick={() => void confirm()}>
            {t('confirm')}
          </button>
        </div>
      </div>
    </KeyboardDialog>
  );
}
