import { useEffect, useMemo, useState } from 'react';
import type { LocalTicket, PaymentMethod, Receipt, ReturnableTicket, ReturnQuote, SaleResponse } from '@comptoir/protocol';
import { api } from './api.client';
import { useApproval } from './approval.dialog';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { formatDateTime } from './money.format';
import { useScreen } from './screen.context';

/** The ticket being returned: this register's, or another register's of the store (read through central). */
interface Target {
  number: number;
  registerId?: string;
  registerName?: string;
}

/**
 * Returns: find a sale (scan its receipt's barcode or type its reference `S01-C2-000123` — any
 * register of the store —, type one of this register's numbers, or pick a recent one), choose the
 * quantities to return, refund. The refund amount is quoted by the register with the same rules
 * it applies when recording (discount shares included); the return is a negative ticket.
 */
export function ReturnsScreen(props: { onDone: (sale: SaleResponse) => void; onDuplicate: (receipt: Receipt) => void; initialReference?: string }) {
  const { t, lang, status } = useScreen();
  const withApproval = useApproval();
  const [numberText, setNumberText] = useState('');
  const [found, setFound] = useState<ReturnableTicket | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [quote, setQuote] = useState<ReturnQuote | null>(null);
  const [recent, setRecent] = useState<LocalTicket[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /**
   * A reprint of any of this register's tickets (a signed record of the `duplicate` chain), then
   * printed; the app shows it (DuplicateModal, beside the other dialogs: the screen behind is inert).
   */
  async function printDuplicate(number: number) {
    setError(null);
    try {
      props.onDuplicate(await api.duplicate(number));
      setTimeout(() => window.print(), 0);
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  const clientSaleId = useMemo(() => crypto.randomUUID(), [found]);

  useEffect(() => {
    api.recentTickets().then((r) => setRecent(r.items.filter((x) => x.kind === 'sale')), () => {});
    if (props.initialReference) void findText(props.initialReference);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const original = target ? { number: target.number, ...(target.registerId ? { registerId: target.registerId } : {}) } : null;

  const lines = Object.entries(quantities)
    .filter(([, q]) => q > 0)
    .map(([lineNo, quantity]) => ({ lineNo: Number(lineNo), quantity }));

  useEffect(() => {
    if (!found || !original || lines.length === 0) return setQuote(null);
    let live = true;
    api.quoteReturn({ original, lines }).then(
      (q) => live && (setQuote(q), setError(null)),
      (e: unknown) => live && (setQuote(null), setError(errorText(t, e))),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [found, JSON.stringify(lines)]);

  async function find(next: Target) {
    setError(null);
    setFound(null);
    setTarget(null);
    setQuantities({});
    try {
      setFound(await api.returnable(next.number, next.registerId));
      setTarget(next);
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  /** A number of this register, or a reference (scanned barcode) of any register of the store. */
  async function findText(text: string) {
    const typed = text.trim();
    setNumberText(typed);
    if (/^\d+$/.test(typed)) return Number(typed) > 0 ? find({ number: Number(typed) }) : undefined;
    try {
      const ref = await api.ticketReference(typed);
      await find(ref.own ? { number: ref.number } : { number: ref.number, registerId: ref.registerId, registerName: ref.registerName });
    } catch (e) {
      setFound(null);
      setError(errorText(t, e));
    }
  }

  async function refund(method: PaymentMethod) {
    if (!found || !original || !quote || busy) return;
    setBusy(true);
    try {
      const sale = await withApproval((approval) =>
        api.refund({
          original,
          lines,
          refunds: quote.totalCents === 0 ? [] : [{ method, amountCents: -quote.totalCents }],
          clientSaleId,
          ...(approval ? { approval } : {}),
        }),
      );
      setFound(null);
      setTarget(null);
      setQuantities({});
      setNumberText('');
      props.onDone(sale);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page returns">
      <form
        className="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (numberText.trim()) void findText(numberText);
        }}
      >
        <input
          autoFocus
          data-testid="return-ticket-input"
          aria-label={t('ticketRefPlaceholder')}
          placeholder={t('ticketRefPlaceholder')}
          value={numberText}
          onChange={(e) => setNumberText(e.target.value.replace(/[^0-9A-Za-z-]/g, ''))}
        />
        <button className="primary" data-testid="return-find">
          {t('find')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="return-error">
          {error}
        </p>
      )}
      {found ? (
        <div className="return-ticket" data-testid="return-ticket" data-number={found.ticket.number} data-register={found.ticket.registerId}>
          {target?.registerName && <p data-testid="return-ticket-register">{t('ticketOfRegister', { register: target.registerName })}</p>}
          {target?.registerId ? (
            <p className="hint">{t('duplicateOwnOnly', { register: target.registerName ?? '' })}</p>
          ) : (
            <button className="secondary" data-testid="print-duplicate" onClick={() => void printDuplicate(found.ticket.number)}>
              {t('printDuplicate')}
            </button>
          )}
          <h2>
            {t('ticketNo')} {found.ticket.number} — {formatDateTime(found.ticket.soldAt, lang, status?.storeTimezone)} — {formatEuros(found.ticket.totalCents, lang)}
          </h2>
          <table className="table">
            <thead>
              <tr>
                <th />
                <th>{t('soldQty')}</th>
                <th>{t('returnedQty')}</th>
                <th>{t('toReturn')}</th>
                <th className="num">{t('total')}</th>
              </tr>
            </thead>
            <tbody>
              {found.ticket.lines.map((l) => {
                const info = found.lines.find((x) => x.lineNo === l.lineNo)!;
                const left = info.sold - info.returned;
                const q = quantities[l.lineNo] ?? 0;
                const set = (v: number) => setQuantities((qs) => ({ ...qs, [l.lineNo]: Math.max(0, Math.min(left, v)) }));
                return (
                  <tr key={l.lineNo} data-testid="return-line" data-line={l.lineNo}>
                    <td>{l.label}</td>
                    <td>{info.sold}</td>
                    <td>{info.returned}</td>
                    <td className="line-controls">
                      <button className="qty" disabled={q === 0} onClick={() => set(q - 1)}>
                        −
                      </button>
                      <span data-testid={`return-qty-${l.lineNo}`}>{q}</span>
                      <button className="qty" data-testid={`return-plus-${l.lineNo}`} disabled={q >= left} onClick={() => set(q + 1)}>
                        +
                      </button>
                    </td>
                    <td className="num">{formatEuros(l.totalCents, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="cart-total">
            <span>{t('refundAmount')}</span>
            <strong data-testid="refund-amount" data-cents={quote ? -quote.totalCents : 0}>
              {formatEuros(quote ? -quote.totalCents : 0, lang)}
            </strong>
          </div>
          <div className="methods">
            <span>{t('refundBy')}</span>
            {(['cash', 'card', 'cheque', 'credit_note'] as const).map((m) => (
              <button key={m} className="method" data-testid={`refund-${m}`} disabled={!quote || busy} onClick={() => void refund(m)}>
                {t(m)}
              </button>
            ))}
          </div>
        </div>
      ) : (
        <div>
          <h3>{t('recentTickets')}</h3>
          <ul className="list">
            {recent.map((r) => (
              <li key={r.number}>
                <button className="list-row" data-testid="recent-ticket" data-number={r.number} onClick={() => void find({ number: r.number })}>
                  <span>
                    {t('ticketNo')} {r.number}
                  </span>
                  <span>{formatDateTime(r.soldAt, lang, status?.storeTimezone)}</span>
                  <span>{formatEuros(r.totalCents, lang)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
