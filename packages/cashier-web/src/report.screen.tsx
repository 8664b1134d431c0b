import { useEffect, useState } from 'react';
import type { SosCopyResult, XReport } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { formatDateTime, formatTime } from './money.format';
import { useScreen } from './screen.context';
import { ClosurePanel } from './closure.panel';
import { DrawerPanel } from './drawer.panel';
import { TrainingPanel } from './training.panel';
import { VatTable } from './vat-table.view';

/** X report (running totals since the last closure, read-only), the drawer, training mode, the daily closure (Z) and the manual SOS copy. */
export function ReportScreen() {
  const { t, lang, status } = useScreen();
  const [report, setReport] = useState<XReport | null>(null);
  const [copy, setCopy] = useState<{ state: 'idle' | 'running' | 'done' | 'failed'; result?: SosCopyResult; error?: string }>({ state: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [drawerKey, setDrawerKey] = useState(0);
  const offline = status?.mode !== 'connected';

  const load = () => api.xReport().then(setReport, (e: unknown) => setError(errorText(t, e)));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function sosCopy() {
    setCopy({ state: 'running' });
    try {
      setCopy({ state: 'done', result: await api.sosCopy() });
    } catch (e) {
      setCopy({ state: 'failed', error: errorText(t, e) });
    }
  }

  const money = (c: number) => formatEuros(c, lang);
  return (
    <div className="page report">
      <section className="sos">
        <h2>{t('sosCopy')}</h2>
        <p className="hint">{t('lastCopy', { time: status?.lastSosCopyAt ? formatDateTime(status.lastSosCopyAt, lang, status.storeTimezone) : t('never') })}</p>
        <button className="primary big" data-testid="sos-copy" disabled={offline || copy.state === 'running'} title={offline ? t('sosUnavailable') : ''} onClick={() => void sosCopy()}>
          {copy.state === 'running' ? t('sosRunning') : t('sosCopy')}
        </button>
        {offline && (
          <p className="unavailable" data-testid="sos-unavailable">
            {t('sosUnavailable')}
          </p>
        )}
        {copy.state === 'running' && <div className="progress" data-testid="sos-progress" />}
        {copy.state === 'done' && copy.result && (
          <p className="ok" data-testid="sos-result">
            {t('sosDone', {
              time: formatTime(copy.result.at, lang, status?.storeTimezone),
              counts: Object.entries(copy.result.counts)
                .map(([k, v]) => `${k} ${v}`)
                .join(', '),
              checksum: copy.result.checksum.slice(0, 12),
            })}
          </p>
        )}
        {copy.state === 'failed' && (
          <p className="error" role="alert" data-testid="sos-error">
            {copy.error}
          </p>
        )}
      </section>
      <section className="x-report" data-testid="x-report">
        {error && <p className="error">{error}</p>}
        {report && (
          <>
            <h2>{t('xReportTitle', { from: formatDateTime(report.from, lang, status?.storeTimezone) })}</h2>
            <div className="kpis">
              <div>
                <span>{t('tickets')}</span>
                <strong data-testid="x-ticket-count">{report.ticketCount}</strong>
              </div>
              <div>
                <span>{t('sales')}</span>
                <strong>{report.saleCount}</strong>
              </div>
              <div>
                <span>{t('returnsCount')}</span>
                <strong>{report.returnCount}</strong>
              </div>
              <div>
                <span>{t('total')}</span>
                <strong data-testid="x-total" data-cents={report.totalCents}>
                  {money(report.totalCents)}
                </strong>
              </div>
            </div>
            <h3>{t('byMethod')}</h3>
            <table className="table">
              <tbody>
                {report.payments.map((p) => (
                  <tr key={p.method} data-testid="x-method" data-method={p.method}>
                    <td>{t(p.method)}</td>
                    <td>{p.count}</td>
                    <td className="num">{money(p.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>{t('byVat')}</h3>
            <VatTable vat={report.vat} className="table" />
            <button className="secondary" data-testid="x-refresh" onClick={() => void load()}>
              {t('refresh')}
            </button>
          </>
        )}
      </section>
      <DrawerPanel refreshKey={drawerKey} />
      <TrainingPanel />
      <ClosurePanel
        onClosed={() => {
          void load();
          setDrawerKey((k) => k + 1);
        }}
      />
    </div>
  );
}
