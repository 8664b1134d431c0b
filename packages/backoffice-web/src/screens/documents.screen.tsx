import { useState } from 'react';
import type { DocumentsResponse, DocumentSummary, FleetResponse, Store } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { formatEuros } from '@comptoir/domain/money';
import { duration } from '../format';
import { anomalyText, useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { CursorPager, DayInput, ErrorLine, Link, useLoad } from '../ui/common';
import { TableScroll } from '../ui/row-menu';

const PAGE = 50;

interface Filters {
  storeId: string;
  registerId: string;
  customerId: string;
  from: string;
  to: string;
  soldOffline: string;
  anomalies: string;
}

export function DocumentsScreen({ initial }: { initial: URLSearchParams }) {
  const { t } = useI18n();
  const [f, setF] = useState<Filters>({
    storeId: initial.get('storeId') ?? '',
    registerId: initial.get('registerId') ?? '',
    customerId: initial.get('customerId') ?? '',
    from: initial.get('from') ?? '',
    to: initial.get('to') ?? '',
    soldOffline: initial.get('soldOffline') ?? '',
    anomalies: initial.get('anomalies') ?? '',
  });
  // Keyset pages: cursors[k] starts page k (page 0 has none); no offset, so a page costs the same deep in the list.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), []);
  const customers = useLoad(() => api<{ items: { id: string; name: string }[] }>('GET', '/api/customers?limit=1000'), []);
  const docs = useLoad(() => api<DocumentsResponse>('GET', `/api/documents${qs({ ...f, limit: PAGE, cursor: cursor ?? '' })}`), [JSON.stringify(f), cursor], 5000);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => {
    setCursors([]);
    setF({ ...f, [k]: e.target.value });
  };
  return (
    <div>
      <h1>{t('docs.title')}</h1>
      <div className="filters card">
        <label>
          {t('docs.store')}
          <select data-testid="filter-store" value={f.storeId} onChange={set('storeId')}>
            <option value="">{t('docs.all')}</option>
            {stores.data?.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>
          {t('docs.register')}
          <select data-testid="filter-register" value={f.registerId} onChange={set('registerId')}>
            <option value="">{t('docs.all')}</option>
            {fleet.data?.items.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>
          {t('docs.customer')}
          <select data-testid="filter-customer" value={f.customerId} onChange={set('customerId')}>
            <option value="">{t('docs.all')}</option>
            {customers.data?.items.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label>
          {t('docs.from')}
          <DayInput testId="filter-from" label={t('docs.from')} value={f.from} onChange={(v) => set('from')({ target: { value: v } })} />
        </label>
        <label>
          {t('docs.to')}
          <DayInput testId="filter-to" label={t('docs.to')} value={f.to} onChange={(v) => set('to')({ target: { value: v } })} />
        </label>
        <label>
          {t('docs.offline')}
          <select data-testid="filter-offline" value={f.soldOffline} onChange={set('soldOffline')}>
            <option value="">{t('docs.all')}</option>
            <option value="true">{t('docs.yes')}</option>
            <option value="false">{t('docs.no')}</option>
          </select>
        </label>
        <label>
          {t('docs.anomalies')}
          <select data-testid="filter-anomalies" value={f.anomalies} onChange={set('anomalies')}>
            <option value="">{t('docs.all')}</option>
            <option value="true">{t('docs.yes')}</option>
            <option value="false">{t('docs.no')}</option>
          </select>
        </label>
        <button onClick={() => { setCursors([]); setF({ storeId: '', registerId: '', customerId: '', from: '', to: '', soldOffline: '', anomalies: '' }); }}>{t('docs.reset')}</button>
      </div>
      <ErrorLine error={docs.error} />
      <DocumentTable items={docs.data?.items ?? []} />
      <CursorPager
        page={cursors.length}
        limit={PAGE}
        shown={docs.data?.items.length ?? 0}
        total={docs.data?.total ?? 0}
        totalExact={docs.data?.totalExact ?? true}
        nextCursor={docs.data?.nextCursor ?? null}
        onPrev={() => setCursors(cursors.slice(0, -1))}
        onNext={(c) => setCursors([...cursors, c])}
      />
    </div>
  );
}

export function DocumentTable({ items }: { items: DocumentSummary[] }) {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  if (items.length === 0) return <p className="muted">{t('docs.none')}</p>;
  return (
    <TableScroll label={t('docs.title')}>
    <table className="grid" data-testid="documents">
      <thead>
        <tr>
          <th>{t('docs.register')}</th>
          <th>{t('docs.number')}</th>
          <th>{t('docs.kind')}</th>
          <th>{t('docs.customer')}</th>
          <th>{t('docs.soldAt')}</th>
          <th>{t('docs.integratedAt')}</th>
          <th>{t('docs.offline')}</th>
          <th>{t('docs.anomalies')}</th>
          <th className="num">{t('docs.total')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={`${d.registerId}/${d.number}`} data-testid={`doc-${d.registerId}-${d.number}`} data-offline={String(d.soldOffline)}>
            <td>{d.registerName ?? d.registerId}</td>
            <td>
              <Link to={`/documents/${encodeURIComponent(d.registerId)}/${d.number}`} testId={`doc-link-${d.registerId}-${d.number}`}>
                {d.number}
              </Link>
            </td>
            <td>{d.kind === 'sale' ? t('docs.sale') : t('docs.return')}</td>
            <td>{d.customerId ? <Link to={`/customers/${encodeURIComponent(d.customerId)}`}>{d.customerName ?? d.customerId}</Link> : '—'}</td>
            <td>{clock.dateTime(d.soldAt, d)}</td>
            <td data-testid={`doc-integrated-${d.registerId}-${d.number}`}>
              {clock.dateTime(d.integratedAt, d)}
              {d.soldOffline && <div className="muted small">+{duration(d.integrationDelayMs, lang)}</div>}
            </td>
            <td>{d.soldOffline ? <span className="badge warn">{t('docs.yes')}</span> : t('docs.no')}</td>
            <td>{d.anomalies.length ? d.anomalies.map((a) => <div key={a} className="badge danger">{anomalyText(t, a)}</div>) : '—'}</td>
            <td className="num">{formatEuros(d.totalCents, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </TableScroll>
  );
}
