import { useState } from 'react';
import type { DashboardResponse, DashboardStore } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { formatEuros } from '@comptoir/domain/money';
import { browserTimeZone, duration, isoToDay, offsetLabel, zoneOffsetMinutes } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { DayInput, ErrorLine, Link, Section, useLoad } from '../ui/common';
import { useOutOfTouch } from '../ui/outage-banner';
import { TableScroll } from '../ui/row-menu';

export function DashboardScreen() {
  const { t, lang } = useI18n();
  const [date, setDate] = useState('');
  const dash = useLoad(() => api<DashboardResponse>('GET', `/api/dashboard${qs({ date })}`), [date], 5000);
  const outOfTouch = useOutOfTouch();
  return (
    <div>
      <h1>
        {t('dash.title')}{' '}
        <DayInput testId="dash-date" label={t('dash.date')} value={date || dash.data?.date || ''} onChange={setDate} />
      </h1>
      <ErrorLine error={dash.error} />
      {dash.data?.stores.map((s) => (
        <Section key={s.storeId} title={s.storeName}>
          <StoreDay s={s} />
          {outOfTouch.some((r) => r.storeId === s.storeId) && (
            <p className="notice warn" data-testid={`dash-incomplete-${s.storeId}`}>
              {t('outage.incomplete')}{' '}
              {outOfTouch.filter((r) => r.storeId === s.storeId).map((r) => r.name).join(', ')}
            </p>
          )}
          <div className="kpis" data-testid={`dash-${s.storeId}`}>
            <div className="kpi"><span>{t('dash.total')}</span><strong data-testid="dash-total">{formatEuros(s.totalCents, lang)}</strong></div>
            <div className="kpi"><span>{t('dash.tickets')}</span><strong>{s.tickets}</strong></div>
            {s.giftCardsIssued > 0 && (
              <div className="kpi"><span>{t('dash.giftCards')}</span><strong data-testid="dash-gift-cards">{formatEuros(s.giftCardsIssuedCents, lang)} ({s.giftCardsIssued})</strong></div>
            )}
            <div className="kpi">
              <span>{t('dash.offline')}</span>
              <strong><Link testId={`dash-offline-${s.storeId}`} to={`/documents${qs({ soldOffline: 'true', storeId: s.storeId, from: s.date, to: s.date })}`}>{s.offlineTickets}</Link></strong>
            </div>
            <div className="kpi"><span>{t('dash.delayAvg')}</span><strong>{duration(s.offlineDelayMs?.avg, lang)}</strong></div>
            <div className="kpi"><span>{t('dash.delayMax')}</span><strong>{duration(s.offlineDelayMs?.max, lang)}</strong></div>
          </div>
          <h3>{t('dash.perHour')}</h3>
          <HourChart s={s} />
          <div className="breakdowns">
            <Breakdown
              title={t('dash.byMethod')}
              testId={`dash-by-method-${s.storeId}`}
              rows={s.byMethod.map((m) => ({ key: m.method, label: t.has(`method.${m.method}`) ? t(`method.${m.method}` as MessageKey) : m.method, cents: m.amountCents }))}
            />
            <Breakdown
              title={t('dash.byRegister')}
              testId={`dash-by-register-${s.storeId}`}
              rows={s.byRegister.map((r) => ({ key: r.registerId, label: r.name, cents: r.totalCents, count: t('dash.nTickets', { n: r.tickets }) }))}
            />
            <Breakdown
              title={t('dash.byCategory')}
              testId={`dash-by-category-${s.storeId}`}
              rows={s.byCategory.map((c) => ({ key: c.category, label: c.category || t('dash.noCategory'), cents: c.totalCents, count: t('dash.nItems', { n: c.quantity }) }))}
            />
            <Breakdown
              title={t('dash.topProducts')}
              testId={`dash-top-${s.storeId}`}
              rows={s.topProducts.map((p) => ({ key: p.sku, label: p.label, cents: p.totalCents, count: t('dash.nItems', { n: p.quantity }) }))}
            />
          </div>
        </Section>
      ))}
    </div>
  );
}

/**
 * The store's own day and clock, said when they are not the browser's: a manager in Paris looking at
 * a store in Martinique reads "Journée du 03/12/2026, heure du magasin (America/Martinique, UTC−4)".
 */
function StoreDay({ s }: { s: DashboardStore }) {
  const { t } = useI18n();
  const now = new Date();
  let offset: number;
  try {
    offset = zoneOffsetMinutes(now, s.timezone);
  } catch {
    return null;
  }
  if (offset === zoneOffsetMinutes(now, browserTimeZone())) return null;
  return (
    <p className="muted small" data-testid={`dash-day-${s.storeId}`}>
      {t('dash.storeDay', { day: isoToDay(s.date), zone: `${s.timezone}, ${offsetLabel(offset)}` })}
    </p>
  );
}

/** One breakdown of the day: label on the left, amount (and count) on the right, one line each. */
function Breakdown({ title, testId, rows }: { title: string; testId: string; rows: { key: string; label: string; cents: number; count?: string }[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="breakdown">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">{t('dash.nothing')}</p>
      ) : (
        <TableScroll label={title}>
        <table className="grid" data-testid={testId}>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-key={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num muted small">{r.count ?? ''}</td>
                <td className="num">{formatEuros(r.cents, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableScroll>
      )}
    </div>
  );
}

/** Sales per local hour: a plain SVG bar chart (no chart library). */
function HourChart({ s }: { s: DashboardStore }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...s.perHour.map((h) => h.totalCents));
  const W = 24 * 30;
  const H = 160;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={t('dash.perHourOf', { store: s.storeName })} data-testid="hour-chart">
      {s.perHour.map((h) => {
        const bh = Math.round((h.totalCents / max) * H);
        return (
          <g key={h.hour}>
            <rect x={h.hour * 30 + 4} y={H - bh} width={22} height={bh} className="bar">
              <title>{`${h.hour}h : ${formatEuros(h.totalCents, lang)} (${h.tickets})`}</title>
            </rect>
            <text x={h.hour * 30 + 15} y={H + 14} textAnchor="middle" className="axis">{h.hour}</text>
          </g>
        );
      })}
      <line x1={0} y1={H} x2={W} y2={H} className="axis-line" />
    </svg>
  );
}
