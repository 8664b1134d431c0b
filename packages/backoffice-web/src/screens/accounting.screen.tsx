import { useState } from 'react';
import type { ChartOfAccounts, SalesJournal, Store } from '@comptoir/protocol';
import { api, apiBlob, qs } from '../api.client';
import { formatEuros, formatRate } from '@comptoir/domain/money';
import { browserTimeZone, dayIn, type Lang } from '../format';
import { useI18n, type MessageKey, type T } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { DayInput, ErrorLine, errorText, Section, useLoad } from '../ui/common';
import { TableScroll } from '../ui/row-menu';

/** Today on the stores' clock (the zone they share; else the browser's), YYYY-MM-DD. */
function todayIso(zone: string | undefined): string {
  return dayIn(new Date(), zone ?? browserTimeZone());
}

/** First day of the month of a YYYY-MM-DD date. */
function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * The accountant's page: the sales journal and VAT summary per day of a period (equal to the Z of
 * those days), the drawers' differences per register and day, the CSV and FEC downloads, and the
 * store's chart of accounts (French defaults, editable).
 */
export function AccountingScreen() {
  const { t, lang } = useI18n();
  const zone = useStoreClock().zoneOf();
  const [from, setFrom] = useState(() => monthStart(todayIso(zone)));
  const [to, setTo] = useState(() => todayIso(zone));
  const [storeId, setStoreId] = useState('');
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const period = qs({ storeId: storeId || undefined, from, to });
  const journal = useLoad(() => api<SalesJournal>('GET', `/api/accounting/journal${period}`), [period]);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function download(path: string, fallbackName: string) {
    try {
      const blob = await apiBlob(`${path}${period}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = fallbackName;
      link.click();
      setDownloadError(null);
    } catch (e) {
      setDownloadError(errorText(t, e));
    }
  }
  const j = journal.data;
  const rates = j ? j.totals.vat.map((v) => v.rate) : [];
  const methods = j ? j.totals.payments.map((p) => p.method) : [];
  const siren = (stores.data?.items.find((s) => s.id === (storeId || j?.storeId))?.siret ?? '').replace(/\s+/g, '').slice(0, 9);
  return (
    <div>
      <h1>{t('accounting.title')}</h1>
      <div className="filters">
        <label>
          {t('accounting.from')} <DayInput testId="acc-from" label={t('accounting.from')} value={from} onChange={(v) => v && setFrom(v)} />
        </label>
        <label>
          {t('accounting.to')} <DayInput testId="acc-to" label={t('accounting.to')} value={to} onChange={(v) => v && setTo(v)} />
        </label>
        {(stores.data?.items.length ?? 0) > 1 && (
          <select aria-label={t('docs.store')} data-testid="acc-store" value={storeId} onChange={(e) => setStoreId(e.target.value)}>
            {stores.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
        <button data-testid="acc-csv" onClick={() => void download('/api/accounting/journal.csv', `journal-ventes-${from}-${to}.csv`)}>
          {t('accounting.csv')}
        </button>
        <button data-testid="acc-fec" onClick={() => void download('/api/accounting/fec', `${siren}FEC${to.replaceAll('-', '')}.txt`)}>
          {t('accounting.fec')}
        </button>
      </div>
      <ErrorLine error={journal.error ?? downloadError} />
      {j && (
        <>
          <NetChart journal={j} />
          <Section title={t('accounting.journal')}>
          <TableScroll label={t('accounting.journal')}>
          <table className="grid" data-testid="journal">
            <thead>
              <tr>
                <th>{t('accounting.day')}</th>
                <th className="num">{t('accounting.tickets')}</th>
                <th className="num">{t('accounting.sales')}</th>
                <th className="num">{t('accounting.returns')}</th>
                <th className="num">{t('accounting.net')}</th>
                {rates.map((r) => (
                  <th key={r} className="num">
                    {t('accounting.base')} {formatRate(r, lang)} / {t('accounting.vat')}
                  </th>
                ))}
                {methods.map((m) => (
                  <th key={m} className="num">
                    {t(`method.${m}`)}
                  </th>
                ))}
                <th className="num">{t('accounting.difference')}</th>
              </tr>
            </thead>
            <tbody>
              {[...j.days.map((d) => ({ ...d, label: d.day })), { ...j.totals, day: 'total', label: t('accounting.total'), closed: true, drawers: [] }].map((d) => (
                <tr key={d.day} data-testid={`journal-${d.day}`} data-net={d.netCents} className={d.closed ? '' : 'muted'}>
                  <td>
                    {d.label}
                    {!d.closed && ` (${t('accounting.open')})`}
                  </td>
                  <td className="num">{d.ticketCount}</td>
                  <td className="num">{formatEuros(d.salesCents, lang)}</td>
                  <td className="num">{formatEuros(d.returnsCents, lang)}</td>
                  <td className="num">{formatEuros(d.netCents, lang)}</td>
                  {rates.map((r) => {
                    const v = d.vat.find((x) => x.rate === r);
                    return (
                      <td key={r} className="num">
                        {formatEuros(v?.baseCents ?? 0, lang)} / {formatEuros(v?.vatCents ?? 0, lang)}
                      </td>
                    );
                  })}
                  {methods.map((m) => (
                    <td key={m} className="num">
                      {formatEuros(d.payments.find((p) => p.method === m)?.amountCents ?? 0, lang)}
                    </td>
                  ))}
                  <td className="num">{d.cashDifferenceCents === null ? '—' : formatEuros(d.cashDifferenceCents, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableScroll>
          </Section>
          <Section title={t('accounting.drawers')}>
          <TableScroll label={t('accounting.drawers')}>
          <table className="grid" data-testid="drawers">
            <thead>
              <tr>
                <th>{t('accounting.day')}</th>
                <th>{t('accounting.register')}</th>
                <th className="num">{t('accounting.expected')}</th>
                <th className="num">{t('accounting.counted')}</th>
                <th className="num">{t('accounting.difference')}</th>
              </tr>
            </thead>
            <tbody>
              {j.days.flatMap((d) =>
                d.drawers.map((w) => (
                  <tr key={`${d.day}-${w.registerId}-${w.closureNumber}`} data-testid={`drawer-${d.day}-${w.registerId}`} data-difference={w.cashDifferenceCents ?? ''}>
                    <td>{d.day}</td>
                    <td>{w.registerName}</td>
                    <td className="num">{w.cashExpectedCents === null ? '—' : formatEuros(w.cashExpectedCents, lang)}</td>
                    <td className="num">{w.cashCountedCents === null ? t('accounting.notCounted') : formatEuros(w.cashCountedCents, lang)}</td>
                    <td className={w.cashDifferenceCents ? 'num bad' : 'num'}>{w.cashDifferenceCents === null ? '—' : formatEuros(w.cashDifferenceCents, lang)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          </TableScroll>
          </Section>
        </>
      )}
      <ChartEditor storeId={storeId || j?.storeId} />
    </div>
  );
}

/** Net sales per day: a plain SVG bar chart, like the dashboard's (no chart library). */
function NetChart({ journal }: { journal: SalesJournal }) {
  const { t, lang } = useI18n();
  const days = journal.days;
  if (days.length === 0) return null;
  const max = Math.max(1, ...days.map((d) => Math.abs(d.netCents)));
  const step = 30;
  const W = Math.max(days.length * step, 300);
  const H = 160;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={t('accounting.chartNet')} data-testid="journal-chart">
      {days.map((d, i) => {
        const bh = Math.round((Math.max(0, d.netCents) / max) * H);
        return (
          <g key={d.day}>
            <rect x={i * step + 4} y={H - bh} width={step - 8} height={bh} className="bar" data-day={d.day}>
              <title>{`${d.day} : ${formatEuros(d.netCents, lang)}`}</title>
            </rect>
            <text x={i * step + step / 2} y={H + 14} textAnchor="middle" className="axis">
              {d.day.slice(8)}
            </text>
          </g>
        );
      })}
      <line x1={0} y1={H} x2={W} y2={H} className="axis-line" />
    </svg>
  );
}

/** The store's chart of accounts: every key with its account; the defaults marked, edits saved together. */
function ChartEditor({ storeId }: { storeId: string | undefined }) {
  const { t, lang } = useI18n();
  const chart = useLoad(() => api<ChartOfAccounts>('GET', `/api/accounting/accounts${qs({ storeId })}`), [storeId]);
  const [edits, setEdits] = useState<Record<string, { num: string; label: string }>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function save() {
    const items = Object.entries(edits).map(([key, a]) => ({ key, ...a }));
    if (items.length === 0) return;
    try {
      chart.setData(await api<ChartOfAccounts>('PUT', '/api/accounting/accounts', { storeId, items }));
      setEdits({});
      setError(null);
      setStatus(t('saved'));
    } catch (e) {
      setError(errorText(t, e));
      setStatus(null);
    }
  }
  return (
    <Section title={t('accounting.chart')} actions={<button data-testid="chart-save" onClick={() => void save()}>{t('accounting.save')}</button>}>
      <p className="muted">{t('accounting.chartHelp')}</p>
      <ErrorLine error={chart.error ?? error} />
      {status && <p data-testid="chart-status">{status}</p>}
      <TableScroll label={t('accounting.chart')}>
      <table className="grid" data-testid="chart">
        <thead>
          <tr>
            <th>{t('accounting.key')}</th>
            <th>{t('accounting.account')}</th>
            <th>{t('accounting.label')}</th>
          </tr>
        </thead>
        <tbody>
          {chart.data?.items.map((a) => {
            const e = edits[a.key] ?? { num: a.num, label: a.label };
            const set = (patch: Partial<typeof e>) => setEdits({ ...edits, [a.key]: { ...e, ...patch } });
            return (
              <tr key={a.key} data-testid={`account-${a.key}`}>
                <td>
                  {accountKeyLabel(t, a.key, lang)}
                  {a.isDefault && <span className="muted"> ({t('accounting.default')})</span>}
                </td>
                <td>
                  <input aria-label={t('accounting.accountOf', { key: accountKeyLabel(t, a.key, lang) })} data-testid={`account-num-${a.key}`} value={e.num} onChange={(ev) => set({ num: ev.target.value })} size={10} />
                </td>
                <td>
                  <input aria-label={t('accounting.labelOf', { key: accountKeyLabel(t, a.key, lang) })} data-testid={`account-label-${a.key}`} value={e.label} onChange={(ev) => set({ label: ev.target.value })} size={36} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </TableScroll>
    </Section>
  );
}

/** "sales:2000" → "Ventes 20 %", "payment:card" → "Règlement carte". */
function accountKeyLabel(t: T, key: string, lang: Lang): string {
  const [kind, arg = ''] = key.split(':');
  if (kind === 'sales' || kind === 'vat') return t(`accounting.key.${kind}`, { rate: formatRate(Number(arg), lang) });
  if (kind === 'payment') return t('accounting.key.payment', { method: (t.has(`method.${arg}`) ? t(`method.${arg}` as MessageKey) : arg).toLocaleLowerCase(lang) });
  return t(kind === 'cash_short' ? 'accounting.key.cash_short' : 'accounting.key.cash_over');
}
