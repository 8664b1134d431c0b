import { useState } from 'react';
import type { ReviewResponse } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { formatEuros } from '@comptoir/domain/money';
import { dateTime } from '../format';
import { anomalyText, useI18n } from '../i18n';
import { ErrorLine, errorText, Link, Pager, useLoad } from '../ui/common';

export function ReviewScreen() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<'open' | 'acknowledged'>('open');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api<ReviewResponse>('GET', `/api/review${qs({ status, limit: 50, offset })}`), [status, offset], 5000);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <h1>{t('review.title')}</h1>
      <div className="tabs">
        <button className={status === 'open' ? 'active' : ''} onClick={() => { setOffset(0); setStatus('open'); }}>{t('review.open')}</button>
        <button className={status === 'acknowledged' ? 'active' : ''} onClick={() => { setOffset(0); setStatus('acknowledged'); }}>{t('review.acknowledged')}</button>
      </div>
      <ErrorLine error={error ?? list.error} />
      {list.data?.items.length === 0 && <p className="muted">{t('review.empty')}</p>}
      <table className="grid" data-testid="review">
        <tbody>
          {list.data?.items.map((d) => (
            <tr key={`${d.registerId}/${d.number}`} data-testid={`review-${d.registerId}-${d.number}`}>
              <td>{d.registerName}</td>
              <td><Link to={`/documents/${encodeURIComponent(d.registerId)}/${d.number}`}>n° {d.number}</Link></td>
              <td>{dateTime(d.soldAt, lang)}</td>
              <td className="num">{formatEuros(d.totalCents, lang)}</td>
              <td>{d.anomalies.map((a) => <div key={a} className="badge danger">{anomalyText(t, a)}</div>)}</td>
              <td>
                {d.review ? (
                  <span>{t('review.by')} {d.review.acknowledgedBy}, {dateTime(d.review.acknowledgedAt, lang)}{d.review.note ? ` — ${d.review.note}` : ''}</span>
                ) : (
                  <button
                    data-testid={`ack-${d.registerId}-${d.number}`}
                    onClick={async () => {
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
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager offset={offset} limit={50} total={list.data?.total ?? 0} onChange={setOffset} />
    </div>
  );
}
