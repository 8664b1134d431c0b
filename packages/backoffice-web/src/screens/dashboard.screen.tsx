import { useState } from 'react';
import type { DashboardResponse, DashboardStore } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { formatEuros } from '@comptoir/domain/money';
import { duration } from '../format';
import { useI18n } from '../i18n';
import { ErrorLine, Link, Section, useLoad } from '../ui/common';
import { useOutOfTouch } from '../ui/outage-banner';

export function DashboardScreen() {
  const { t, lang } = useI18n();
  const [date, setDate] = useState('');
  const dash = useLoad(() => api<DashboardResponse>('GET', `/api/dashboard${qs({ date })}`), [date], 5000);
  const outOfTouch = useOutOfTouch();
  return (
    <div>
      <h1>
        {t('dash.title')}{' '}
        <input type="date" aria-label={t('dash.date')} value={date || dash.data?.date || ''} onChange={(e) => setDate(e.target.value)} />
      </h1>
      <ErrorLine error={dash.error} />
      {dash.data?.stores.map((s) => (
        <Section key={s.storeId} title={s.storeName}>
          {outOfTouch.some((r) => r.storeId === s.storeId) && (
            <p className="notice warn" data-testid={`dash-incomplete-${s.storeId}`}>
              {t('outage.incomplete')}{' '}
              {outOfTouch.filter((r) => r.storeId === s.storeId).map((r) => r.name).join(', ')}
            </p>
          )}
          <div className="kpis" data-testid={`dash-${s.storeId}`}>
            <div className="kpi"><span>{t('dash.total')}</span><strong data-testid="dash-total">{formatEuros(s.totalCents, lang)}</strong></div>
            <div className="kpi"><span>{t('dash.tickets')}</span><strong>{s.tickets}</strong></div>
            <div className="kpi">
              <span>{t('dash.offline')}</span>
              <strong><Link to={`/documents?soldOffline=true&from=${dash.data!.date}&to=${dash.data!.date}`}>{s.offlineTickets}</Link></strong>
            </div>
            <div className="kpi"><span>{t('dash.delayAvg')}</span><strong>{duration(s.offlineDelayMs?.avg, lang)}</strong></div>
            <div className="kpi"><span>{t('dash.delayMax')}</span><strong>{duration(s.offlineDelayMs?.max, lang)}</strong></div>
          </div>
          <h3>{t('dash.perHour')}</h3>
          <HourChart s={s} />
        </Section>
      ))}
    </div>
  );
}

/** Sales per local hour: a plain SVG bar chart (no chart library). */
function HourChart({ s }: { s: DashboardStore }) {
  const { lang } = useI18n();
  const max = Math.max(1, ...s.perHour.map((h) => h.totalCents));
  const W = 24 * 30;
  const H = 160;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H + 20}`} role="img" data-testid="hour-chart">
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
