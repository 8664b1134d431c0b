import { useState } from 'react';
import type { ReviewResponse } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { formatEuros } from '@comptoir/domain/money';
import { anomalyText, useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Link, Pager, Section, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

export function ReviewScreen() {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const [status, setStatus] = useState<'open' | 'acknowledged'>('open');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api<ReviewResponse>('GET', `/api/review${qs({ status, limit: 50, offset })}`), [status, offset], 5000);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <h1>{t('review.title')}</h1>
      <div className="tabs" role="group" aria-label={t('review.title')}>
        <button className={status === 'open' ? 'active' : ''} aria-pressed={status === 'open'} onClick={() => { setOffset(0); setStatus('open'); }}>{t('review.open')}</button>
        <button className={status === 'acknowledged' ? 'active' : ''} aria-pressed={status === 'acknowledged'} onClick={() => { setOffset(0); setStatus('acknowledged'); }}>{t('review.acknowledged')}</button>
      </div>
      <ErrorLine error={error ?? list.error} />
      {list.data?.items.length === 0 && <p className="muted">{t('review.empty')}</p>}
      <Section title={status === 'open' ? t('review.open') : t('review.acknowledged')}>
      <TableScroll label={t('review.title')}>
      <table className="grid" data-testid="review">
        <thead>
          <tr>
            <th>{t('docs.register')}</th>
            <th>{t('docs.number')}</th>
            <th>{t('docs.soldAt')}</th>
            <th className="num">{t('docs.total')}</th>
            <th>{t('docs.anomalies')}</th>
            <th>{t('review.status')}</th>
            <th className="actions"><span className="sr-only">{t('fleet.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((d) => (
            <tr key={`${d.registerId}/${d.number}`} data-testid={`review-${d.registerId}-${d.number}`}>
              <td>{d.registerName}</td>
              <td><Link to={`/documents/${encodeURIComponent(d.registerId)}/${d.number}`}>n° {d.number}</Link></td>
              <td>{clock.dateTime(d.soldAt, d)}</td>
              <td className="num">{formatEuros(d.totalCents, lang)}</td>
              <td>{d.anomalies.map((a) => <div key={a} className="badge danger">{anomalyText(t, a)}</div>)}</td>
              <td>{d.review ? `${t('review.by')} ${d.review.acknowledgedBy}, ${clock.dateTime(d.review.acknowledgedAt, d)}${d.review.note ? ` — ${d.review.note}` : ''}` : t('review.toCheck')}</td>
              <td className="actions">
                {!d.review && (
                  <RowMenu label={t('row.actionsOf', { name: `${d.registerName} n° ${d.number}` })} testId={`row-menu-review-${d.registerId}-${d.number}`}>
                  <RowAction
                    testId={`ack-${d.registerId}-${d.number}`}
                    onSelect={async () => {
                      try {
                        const note = window.prompt(t('review.note')) ?? '';
                        await api('POST', `/api/review/${encodeURIComponent(d.registerId)}/${d.number}/ack`, { note });
                        setError(null);
                        void list.reload();
                      } catch (e) {
                        setError(errorText(t, e));
                      }
                    }}
                  >
                    {t('review.acknowledge')}
                  </RowAction>
                  </RowMenu>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
      </Section>
      <Pager offset={offset} limit={50} total={list.data?.total ?? 0} onChange={setOffset} />
    </div>
  );
}
