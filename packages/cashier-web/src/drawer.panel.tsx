import { useEffect, useState } from 'react';
import { EURO_DENOMINATIONS, type CashMovementKind, type DenominationCount, type DrawerState } from '@comptoir/protocol';
import { api } from './api.client';
import { useApproval } from './approval.dialog';
import { errorText } from './i18n.messages';
import { formatEuros, parseEuros } from '@comptoir/domain/money';
import { useScreen } from './screen.context';

// The cash drawer on the cashier screen: today's figures, the opening float, cash put in or taken
// out (each a signed record on the register, online or not), opening the drawer without a sale
// (a signed event, approved by a manager), and the count of coins and notes that the day's Z carries.

/** Today's drawer, the three movements (a paid-out asks for a manager's approval) and the no-sale opening (always approved). */
export function DrawerPanel(props: { refreshKey?: unknown }) {
  const { t, lang } = useScreen();
  const withApproval = useApproval();
  const [drawer, setDrawer] = useState<DrawerState | null>(null);
  const [kind, setKind] = useState<CashMovementKind>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const money = (c: number) => formatEuros(c, lang);
  const load = () => api.drawer().then(setDrawer, (e: unknown) => setError(errorText(t, e)));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.refreshKey]);

  /** A no-sale: the register signs the opening (a manager approves it), then kicks the drawer through the printer. */
  async function openDrawer() {
    if (!reason.trim()) {
      setNotice(null);
      return setError(t('drawerOpenNeedsReason'));
    }
    setBusy(true);
    try {
      const opened = await withApproval((approval) => api.openDrawer({ reason, ...(approval ? { approval } : {}) }));
      setReason('');
      setError(null);
      setNotice(
        opened.kick === 'sent'
          ? t('drawerOpened')
          : opened.kick === 'no_printer'
            ? t('drawerOpenedNoPrinter')
            : t('drawerKickFailed', { reason: opened.kickError ?? '' }),
      );
    } catch (e) {
      setNotice(null);
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    const cents = parseEuros(amount);
    if (cents === null || cents <= 0) return setError(t('drawerBadAmount'));
    setBusy(true);
    try {
      await withApproval((approval) => api.cashMovement({ kind, amountCents: cents, reason, ...(approval ? { approval } : {}) }));
      setAmount('');
      setReason('');
      setError(null);
      setNotice(null);
      await load();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }
  if (!drawer) return error ? <p className="error">{error}</p> : null;
  const kinds: CashMovementKind[] = drawer.floatSet ? ['in', 'out'] : ['float', 'in', 'out'];
  return (
    <section className="drawer" data-testid="drawer" data-expected={drawer.expectedCents}>
      <h2>{t('drawerTitle')}</h2>
      <div className="kpis">
        <div>
          <span>{t('drawerFloat')}</span>
          <strong data-testid="drawer-float">{drawer.floatSet ? money(drawer.floatCents) : '—'}</strong>
        </div>
        <div>
          <span>{t('drawerIn')}</span>
          <strong>{money(drawer.inCents)}</strong>
        </div>
        <div>
          <span>{t('drawerOut')}</span>
          <strong data-testid="drawer-out">{money(drawer.outCents)}</strong>
        </div>
        <div>
          <span>{t('drawerTicketCash')}</span>
          <strong>{money(drawer.ticketCashCents)}</strong>
        </div>
        <div>
          <span>{t('drawerExpected')}</span>
          <strong data-testid="drawer-expected">{money(drawer.expectedCents)}</strong>
        </div>
      </div>
      {drawer.closed && <p className="hint" data-testid="drawer-closed">{t('drawerClosed')}</p>}
      <div className="drawer-form">
        <select data-testid="drawer-kind" aria-label={t('drawerKindLabel')} value={kinds.includes(kind) ? kind : kinds[0]} onChange={(e) => setKind(e.target.value as CashMovementKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`drawerKind.${k}`)}
            </option>
          ))}
        </select>
        <input data-testid="drawer-amount" aria-label={t('drawerAmount')} inputMode="decimal" placeholder={t('drawerAmount')} value={amount} onChange={(e) => setAmount(e.target.value)} />
        <input data-testid="drawer-reason" aria-label={t('drawerReason')} placeholder={t('drawerReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button className="primary" data-testid="drawer-submit" disabled={busy} onClick={() => void submit()}>
          {t('drawerRecord')}
        </button>
        <button className="secondary" data-testid="drawer-open" disabled={busy} onClick={() => void openDrawer()}>
          {t('drawerOpen')}
        </button>
      </div>
      {notice && (
        <p className="ok" role="status" data-testid="drawer-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="drawer-error">
          {error}
        </p>
      )}
      {drawer.movements.length > 0 && (
        <table className="table" data-testid="drawer-movements">
          <tbody>
            {drawer.movements.map((m) => (
              <tr key={m.number} data-testid="drawer-movement" data-kind={m.payload.kind}>
                <td>{t(`drawerKind.${m.payload.kind}`)}</td>
                <td className="num">{money(m.payload.amountCents)}</td>
                <td>{m.payload.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The count at closing: how many of each coin and note (euros), and their total. */
export function CashCount(props: { onChange(denominations: DenominationCount[] | null): void }) {
  const { t, lang } = useScreen();
  const [counts, setCounts] = useState<Record<number, string>>({});
  const set = (value: number, text: string) => {
    const next = { ...counts, [value]: text };
    setCounts(next);
    const list = EURO_DENOMINATIONS.map((v) => ({ valueCents: v, count: Number(next[v] || 0) })).filter((d) => Number.isInteger(d.count) && d.count > 0);
    props.onChange(list.length > 0 ? list : null);
  };
  const total = EURO_DENOMINATIONS.reduce((s, v) => s + v * (Number(counts[v] || 0) || 0), 0);
  return (
    <fieldset className="cash-count" data-testid="cash-count">
      <legend>{t('countTitle')}</legend>
      <div className="denominations">
        {[...EURO_DENOMINATIONS].reverse().map((v) => (
          <label key={v}>
            <span>{formatEuros(v, lang)}</span>
            <input data-testid={`count-${v}`} inputMode="numeric" size={4} value={counts[v] ?? ''} onChange={(e) => set(v, e.target.value.replace(/\D/g, ''))} />
          </label>
        ))}
      </div>
      <p>
        {t('countTotal')} <strong data-testid="count-total">{formatEuros(total, lang)}</strong>
      </p>
    </fieldset>
  );
}

/** At the first login of a business day: a banner (never blocking a sale) asks for the opening float, or later. */
export function FloatPrompt() {
  const { t } = useScreen();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.drawer().then((d) => setOpen(!d.floatSet && !d.closed), () => undefined);
  }, []);
  if (!open) return null;
  async function save() {
    const cents = parseEuros(amount);
    if (cents === null || cents <= 0) return setError(t('drawerBadAmount'));
    try {
      await api.cashMovement({ kind: 'float', amountCents: cents, reason: '' });
      setOpen(false);
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  return (
    <section className="float-banner" aria-label={t('floatTitle')} data-testid="float-prompt">
      <strong>{t('floatTitle')}</strong>
      <span className="hint">{t('floatHint')}</span>
      <input data-testid="float-amount" aria-label={t('floatTitle')} inputMode="decimal" size={8} value={amount} onChange={(e) => setAmount(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void save()} />
      <button className="primary" data-testid="float-save" onClick={() => void save()}>
        {t('floatSave')}
      </button>
      <button className="secondary" data-testid="float-later" onClick={() => setOpen(false)}>
        {t('floatLater')}
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </section>
  );
}
