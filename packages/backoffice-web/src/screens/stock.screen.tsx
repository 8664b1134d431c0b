import { useState } from 'react';
import type { MovementsResponse, StockListResponse, Store } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Pager, Section, useLoad } from '../ui/common';
import { TableScroll } from '../ui/row-menu';

export function StockScreen() {
  const { t } = useI18n();
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const [storeId, setStoreId] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [sku, setSku] = useState<string | null>(null);
  const list = useLoad(() => api<StockListResponse>('GET', `/api/stock${qs({ storeId, q, limit: 50, offset })}`), [storeId, q, offset]);
  return (
    <div>
      <h1>{t('stock.title')}</h1>
      <div className="filters card">
        <label>
          {t('docs.store')}
          <select value={storeId} onChange={(e) => setStoreId(e.target.value)}>
            {stores.data?.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <input className="search" type="search" aria-label={t('catalog.search')} placeholder={t('catalog.search')} value={q} onChange={(e) => { setOffset(0); setQ(e.target.value); }} />
      </div>
      <ErrorLine error={list.error} />
      <div className="two">
        <Section title={t('stock.title')}>
          <TableScroll label={t('stock.title')}>
          <table className="grid" data-testid="stock">
            <thead><tr><th>{t('catalog.sku')}</th><th>{t('catalog.label')}</th><th className="num">{t('stock.quantity')}</th></tr></thead>
            <tbody>
              {list.data?.items.map((s) => (
                <tr key={s.sku} className={sku === s.sku ? 'selected' : ''} onClick={() => setSku(s.sku)} data-testid={`stock-${s.sku}`}>
                  <td className="mono">
                    <button className="link" aria-pressed={sku === s.sku} aria-label={t('stock.ledgerOf', { sku: s.sku })} onClick={() => setSku(s.sku)}>{s.sku}</button>
                  </td>
                  <td>{s.label}</td>
                  <td className={s.quantity < 0 ? 'num danger-text' : 'num'}>{s.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableScroll>
          <Pager offset={offset} limit={50} total={list.data?.total ?? 0} onChange={setOffset} />
        </Section>
        <div>{sku && list.data && <Ledger sku={sku} storeId={list.data.storeId} onChanged={() => void list.reload()} />}</div>
      </div>
    </div>
  );
}

function Ledger({ sku, storeId, onChanged }: { sku: string; storeId: string; onChanged(): void }) {
  const { t } = useI18n();
  const clock = useStoreClock();
  const ledger = useLoad(() => api<MovementsResponse>('GET', `/api/stock/${encodeURIComponent(sku)}/movements${qs({ storeId, limit: 200 })}`), [sku, storeId]);
  const [qty, setQty] = useState('');
  const [note, setNote] = useState('');
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function run(fn: () => Promise<unknown>) {
    try {
      await fn();
      setError(null);
      setQty(''); setNote(''); setDelta(''); setReason('');
      void ledger.reload();
      onChanged();
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  return (
    <Section title={`${t('stock.ledger')} — ${sku} (${ledger.data?.quantity ?? '…'})`}>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void run(() => api('POST', '/api/stock/receptions', { storeId, note, lines: [{ sku, quantity: Number(qty) }] })); }}>
        <strong>{t('stock.reception')}</strong>
        <input data-testid="reception-qty" aria-label={t('stock.quantity')} className="short" type="number" min={1} placeholder={t('stock.quantity')} value={qty} onChange={(e) => setQty(e.target.value)} />
        <input aria-label={t('stock.note')} placeholder={t('stock.note')} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" data-testid="reception-submit">{t('stock.receive')}</button>
      </form>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void run(() => api('POST', '/api/stock/adjustments', { storeId, sku, delta: Number(delta), reason })); }}>
        <strong>{t('stock.adjustment')}</strong>
        <input data-testid="adjust-delta" aria-label={t('stock.delta')} className="short" type="number" placeholder={t('stock.delta')} value={delta} onChange={(e) => setDelta(e.target.value)} />
        <input data-testid="adjust-reason" aria-label={t('stock.reason')} placeholder={t('stock.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" data-testid="adjust-submit">{t('stock.adjust')}</button>
      </form>
      <ErrorLine error={error ?? ledger.error} />
      <TableScroll label={t('stock.ledger')}>
      <table className="grid small" data-testid="ledger">
        <thead><tr><th>{t('stock.date')}</th><th>{t('stock.kind')}</th><th className="num">{t('stock.delta')}</th><th>{t('stock.note')}</th><th>{t('stock.by')}</th></tr></thead>
        <tbody>
          {ledger.data?.items.map((m) => (
            <tr key={m.id}>
              <td>{clock.dateTime(m.createdAt, m)}</td>
              <td>{t(`stock.reasons.${m.reason}`)}{m.ticketNumber !== null ? ` n° ${m.ticketNumber}` : ''}</td>
              <td className="num">{m.delta > 0 ? `+${m.delta}` : m.delta}</td>
              <td>{m.note ?? ''}</td>
              <td>{m.by ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
    </Section>
  );
}
