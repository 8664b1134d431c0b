import { useEffect, useState } from 'react';
import type { CustomerDocuments, LocalCustomer } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { formatEuros } from '@comptoir/domain/money';
import { formatDateTime, formatTime } from './money.format';
import { useScreen } from './screen.context';

/**
 * Customers: search the SOS copy, attach a customer to the sale, see the customer's tickets with
 * their integration status (en attente / intégré à hh:mm); "Nouveau client" opens the creation
 * dialog (app.root.tsx renders it, so the screen behind goes inert). Same answer connected or
 * autonomous: everything comes from the register's local database.
 */
export function CustomersScreen(props: { onAttach: (c: LocalCustomer) => void; onNew: () => void }) {
  const { t, lang, status } = useScreen();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<LocalCustomer[]>([]);
  const [docs, setDocs] = useState<CustomerDocuments | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      api.customers(q.trim()).then((r) => setItems(r.items), (e: unknown) => setError(errorText(t, e)));
    }, 150);
    return () => clearTimeout(timer);
  }, [q, t]);

  async function open(c: LocalCustomer) {
    try {
      setDocs(await api.customerDocuments(c.id));
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  // The statuses change as the outbox drains: refresh the open list with the banner's poll.
  const pending = status?.pendingRecords;
  useEffect(() => {
    if (docs) api.customerDocuments(docs.customer.id).then(setDocs, () => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending, status?.mode]);

  return (
    <div className="page customers">
      <div className="customers-list">
        <div className="customers-search">
          <input autoFocus data-testid="customer-search" aria-label={t('searchCustomer')} placeholder={t('searchCustomer')} value={q} onChange={(e) => setQ(e.target.value)} />
          <button className="secondary" data-testid="customer-new" onClick={props.onNew}>
            {t('newCustomer')}
          </button>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        {!q.trim() && <h3 data-testid="recent-customers">{t('recentCustomers')}</h3>}
        <ul className="list">
          {items.map((c) => (
            <li key={c.id} data-testid="customer-row" data-id={c.id} className={docs?.customer.id === c.id ? 'selected' : ''}>
              <button className="list-row" onClick={() => void open(c)}>
                <span>{c.name}</span>
                <span className="hint">{c.email ?? c.phone ?? ''}</span>
              </button>
              <button className="small primary" data-testid="customer-attach" onClick={() => props.onAttach(c)}>
                {t('customer')} ✓
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="customer-docs">
        {docs && (
          <>
            <h2>
              {t('documents')} — {docs.customer.name}
            </h2>
            <p className="hint" data-testid="docs-source">
              {status?.mode === 'connected' ? t('docsLocal') : t('docsLocalOffline')}
            </p>
            <table className="table">
              <tbody>
                {docs.items.map((d) => (
                  <tr key={d.number} data-testid="doc-row" data-number={d.number}>
                    <td>
                      {d.kind === 'return' ? t('return') : t('sale')} {t('ticketNo')} {d.number}
                    </td>
                    <td>{formatDateTime(d.soldAt, lang, status?.storeTimezone)}</td>
                    <td className="num">{formatEuros(d.totalCents, lang)}</td>
                    <td data-testid="doc-status" className={d.integratedAt ? 'ok' : 'warn'}>
                      {d.integratedAt ? t('integratedAt', { time: formatTime(d.integratedAt, lang, status?.storeTimezone) }) : t('pendingStatus')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}
