import { useEffect, useState } from 'react';
import type { Closure, DenominationCount } from '@comptoir/protocol';
import { api, ApiError } from './api.client';
import { useApproval } from './approval.dialog';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { formatPeriodKey, formatTime, todayIn } from './money.format';
import { useScreen } from './screen.context';
import { CashCount } from './drawer.panel';

/**
 * The daily closure (Z): two clicks (close, then confirm the date), then the signed result. Works
 * offline like a sale: the closure is signed on the register and pushed when the link allows.
 */
export function ClosurePanel(props: { onClosed: () => void }) {
  const { t, lang, status } = useScreen();
  const withApproval = useApproval();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Closure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState<Closure[]>([]);
  const [count, setCount] = useState<DenominationCount[] | null>(null);
  // The business day the Z closes, as the register counts it (after midnight and before the cutoff it is yesterday).
  const today = status?.businessDay ?? todayIn(status?.storeTimezone);
  const money = (c: number) => formatEuros(c, lang);

  const loadRecent = () => api.closures().then((r) => setRecent(r.items), () => undefined);
  useEffect(() => {
    void loadRecent();
  }, []);
  // While a closure waits for the central server, follow it at the pace of the status poll.
  const waiting = recent.some((c) => !c.integratedAt);
  useEffect(() => {
    if (waiting) void loadRecent();
  }, [status, waiting]);

  async function close() {
    setBusy(true);
    setError(null);
    try {
      const closure = await withApproval((approval) =>
        api.closeDay({ ...(count ? { denominations: count } : {}), ...(approval ? { approval } : {}) }),
      );
      setDone(closure);
      props.onClosed();
      void loadRecent();
    } catch (e) {
      const already = e instanceof ApiError && e.code === 'CONFLICT' && e.details?.periodKey === today;
      setError(already ? t('dayAlreadyClosed', { date: formatPeriodKey(today) }) : errorText(t, e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <section className="closure" data-testid="closure">
      <h2>{t('closureTitle')}</h2>
      <p className="hint">{t('closureHint')}</p>
      <CashCount onChange={setCount} />
      {confirming ? (
        <div className="actions">
          <button className="primary big" data-testid="close-day-confirm" disabled={busy} onClick={() => void close()}>
            {t('closeDayConfirm', { date: formatPeriodKey(today) })}
          </button>
          <button className="secondary" data-testid="close-day-cancel" onClick={() => setConfirming(false)}>
            {t('cancel')}
          </button>
        </div>
      ) : (
        <button className="secondary big" data-testid="close-day" onClick={() => setConfirming(true)}>
          {t('closeDay')}
        </button>
      )}
      {done && (
        <p className="ok" data-testid="closure-result" data-number={done.number} data-total={done.payload.totalCents} data-grand-total={done.payload.grandTotalCents}>
          {t('closureDone', {
            n: done.number,
            date: formatPeriodKey(done.payload.periodKey),
            count: done.payload.ticketCount,
            total: money(done.payload.totalCents),
            grand: money(done.payload.grandTotalCents),
          })}
        </p>
      )}
      {done && done.payload.version === 2 && done.payload.cashCountedCents !== null && (
        <p className={done.payload.cashDifferenceCents === 0 ? 'ok' : 'warn'} data-testid="closure-cash" data-difference={done.payload.cashDifferenceCents ?? ''}>
          {t('closureCash', {
            expected: money(done.payload.cashExpectedCents ?? 0),
            counted: money(done.payload.cashCountedCents),
            difference: money(done.payload.cashDifferenceCents ?? 0),
          })}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="closure-error">
          {error}
        </p>
      )}
      {recent.length > 0 && (
        <>
          <h3>{t('closuresRecent')}</h3>
          <table className="table">
            <tbody>
              {recent.map((c) => (
                <tr key={c.number} data-testid="closure-row" data-number={c.number} data-period={c.payload.period}>
                  <td>Z {c.number}</td>
                  <td>{t(`period.${c.payload.period}`)} {formatPeriodKey(c.payload.periodKey)}</td>
                  <td className="num">{money(c.payload.totalCents)}</td>
                  <td className="num">{money(c.payload.grandTotalCents)}</td>
                  <td className={c.integratedAt ? 'ok' : 'warn'}>
                    {c.integratedAt ? `${t('closureIntegrated')} ${formatTime(c.integratedAt, lang, status?.storeTimezone)}` : t('closurePending')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
