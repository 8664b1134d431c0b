import { useState } from 'react';
import type { DocumentDetail } from '@comptoir/protocol';
import { api, apiBlob, qs } from '../api.client';
import { formatEuros, formatRate } from '@comptoir/domain/money';
import { duration } from '../format';
import { anomalyText, useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Link, Section, useLoad } from '../ui/common';
import { TableScroll } from '../ui/row-menu';

export function DocumentDetailScreen({ registerId, number }: { registerId: string; number: number }) {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const doc = useLoad(() => api<DocumentDetail>('GET', `/api/documents/${encodeURIComponent(registerId)}/${number}`), [registerId, number]);
  const customers = useLoad(() => api<{ items: { id: string; name: string }[] }>('GET', '/api/customers?limit=1000'), []);
  const [invoiceTo, setInvoiceTo] = useState('');
  const [pdfError, setPdfError] = useState<string | null>(null);
  const d = doc.data;
  if (!d) return <ErrorLine error={doc.error} />;
  const customerId = invoiceTo || d.customerId || '';

  async function openInvoice() {
    setPdfError(null);
    try {
      const blob = await apiBlob(`/api/documents/${encodeURIComponent(registerId)}/${number}/invoice.pdf${qs({ customerId, lang })}`);
      window.open(URL.createObjectURL(blob), '_blank');
    } catch (e) {
      setPdfError(errorText(t, e));
    }
  }

  return (
    <div data-testid="document-detail">
      <p>
        <Link to="/documents">← {t('docs.back')}</Link>
      </p>
      <h1>
        {d.kind === 'sale' ? t('docs.sale') : t('docs.return')} n° {d.number} — {d.registerName ?? d.registerId}
      </h1>
      <div className="facts card">
        <div><span>{t('docs.soldAt')}</span><strong>{clock.dateTime(d.soldAt, d)}</strong></div>
        <div><span>{t('docs.integratedAt')}</span><strong data-testid="detail-integrated">{clock.dateTime(d.integratedAt, d)}</strong></div>
        <div><span>{t('docs.delay')}</span><strong>{duration(d.integrationDelayMs, lang)}</strong></div>
        <div><span>{t('docs.offline')}</span><strong data-testid="detail-offline">{d.soldOffline ? t('docs.yes') : t('docs.no')}</strong></div>
        <div><span>{t('docs.customer')}</span><strong>{d.customerId ? <Link to={`/customers/${encodeURIComponent(d.customerId)}`}>{d.customerName ?? d.customerId}</Link> : '—'}</strong></div>
        <div><span>{t('docs.total')}</span><strong>{formatEuros(d.totalCents, lang)}</strong></div>
        <div><span>{t('docs.anomalies')}</span><strong>{d.anomalies.length ? d.anomalies.map((a) => anomalyText(t, a)).join(', ') : '—'}</strong></div>
        {d.review && <div><span>{t('docs.reviewed')}</span><strong>{d.review.acknowledgedBy} · {clock.dateTime(d.review.acknowledgedAt, d)}</strong></div>}
      </div>
      <Section title={t('docs.lines')}>
        <TableScroll label={t('docs.lines')}>
        <table className="grid" data-testid="detail-lines">
          <thead><tr><th>{t('docs.label')}</th><th className="num">{t('docs.qty')}</th><th className="num">{t('docs.unit')}</th><th className="num">{t('docs.rate')}</th><th className="num">{t('docs.total')}</th></tr></thead>
          <tbody>
            {(d.lines ?? []).map((l) => (
              <tr key={l.lineNo}><td>{l.label} <span className="muted small">{l.sku}</span></td><td className="num">{l.quantity}</td><td className="num">{formatEuros(l.unitPriceCents, lang)}</td><td className="num">{formatRate(l.vatRate, lang)}</td><td className="num">{formatEuros(l.totalCents, lang)}</td></tr>
            ))}
          </tbody>
        </table>
        </TableScroll>
      </Section>
      <div className="two">
        <Section title={t('docs.vat')}>
          <TableScroll label={t('docs.vat')}>
          <table className="grid" data-testid="detail-vat">
            <thead><tr><th>{t('docs.rate')}</th><th className="num">{t('docs.base')}</th><th className="num">{t('docs.vatAmount')}</th><th className="num">{t('docs.total')}</th></tr></thead>
            <tbody>{(d.vat ?? []).map((v) => <tr key={v.rate}><td>{formatRate(v.rate, lang)}</td><td className="num">{formatEuros(v.baseCents, lang)}</td><td className="num">{formatEuros(v.vatCents, lang)}</td><td className="num">{formatEuros(v.totalCents, lang)}</td></tr>)}</tbody>
          </table>
          </TableScroll>
        </Section>
        <Section title={t('docs.payments')}>
          <ul className="plain">{(d.payments ?? []).map((p, i) => <li key={i}>{t(`method.${p.method}`)} : {formatEuros(p.amountCents, lang)}</li>)}</ul>
        </Section>
      </div>
      <Section title={t('docs.chain')}>
        {d.chain ? (
          <div className="mono small" data-testid="detail-chain">
            <div>{d.chain.chain} n° {d.chain.number} / {d.chain.headNumber} ({t('docs.head')})</div>
            <div>{t('docs.prev')} : {d.chain.prevSignature.slice(0, 48)}…</div>
            <div>{t('docs.signature')} : {d.chain.signature.slice(0, 48)}…</div>
          </div>
        ) : '—'}
      </Section>
      <Section title={t('docs.invoice')}>
        <label>
          {t('docs.invoiceFor')}{' '}
          <select data-testid="invoice-customer" value={customerId} onChange={(e) => setInvoiceTo(e.target.value)}>
            <option value="">—</option>
            {customers.data?.items.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>{' '}
        <button data-testid="invoice-pdf" disabled={!customerId} onClick={() => void openInvoice()}>{t('docs.invoice')}</button>
        <ErrorLine error={pdfError} />
      </Section>
    </div>
  );
}
