import { useState } from 'react';
import type { Customer, CustomerDetail } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { useI18n } from '../i18n';
import { ErrorLine, errorText, Link, Pager, Section, useLoad } from '../ui/common';
import { DocumentTable } from './documents.screen';
import { TableScroll } from '../ui/row-menu';

export function CustomersScreen() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api<{ items: Customer[]; total: number }>('GET', `/api/customers${qs({ q, limit: 50, offset })}`), [q, offset]);
  const [form, setForm] = useState({ name: '', email: '', phone: '' });
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <h1>{t('customers.title')}</h1>
      <Section title={t('customers.newCustomer')}>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api('POST', '/api/customers', { name: form.name, email: form.email || null, phone: form.phone || null });
              setForm({ name: '', email: '', phone: '' });
              setError(null);
              void list.reload();
            } catch (err) {
              setError(errorText(t, err));
            }
          }}
        >
          <input data-testid="customer-name" aria-label={t('customers.name')} placeholder={t('customers.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <input data-testid="customer-email" type="email" aria-label={t('customers.email')} placeholder={t('customers.email')} value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          <input data-testid="customer-phone" type="tel" aria-label={t('customers.phone')} placeholder={t('customers.phone')} value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />
          <button type="submit" data-testid="customer-create">{t('customers.create')}</button>
        </form>
        <ErrorLine error={error} />
      </Section>
      <Section title={t('customers.title')}>
      <input className="search" type="search" aria-label={t('customers.search')} placeholder={t('customers.search')} value={q} onChange={(e) => { setOffset(0); setQ(e.target.value); }} />
      <ErrorLine error={list.error} />
      <TableScroll label={t('customers.title')}>
      <table className="grid" data-testid="customers">
        <thead><tr><th>{t('customers.name')}</th><th>{t('customers.email')}</th><th>{t('customers.phone')}</th></tr></thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={c.id} data-testid={`customer-row-${c.id}`}>
              <td><Link to={`/customers/${encodeURIComponent(c.id)}`}>{c.name}</Link></td>
              <td>{c.email ?? '—'}</td>
              <td>{c.phone ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
      <Pager offset={offset} limit={50} total={list.data?.total ?? 0} onChange={setOffset} />
      </Section>
    </div>
  );
}

export function CustomerScreen({ id }: { id: string }) {
  const { t } = useI18n();
  const c = useLoad(() => api<CustomerDetail>('GET', `/api/customers/${encodeURIComponent(id)}?limit=200`), [id], 5000);
  const [edit, setEdit] = useState<{ name: string; email: string; phone: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!c.data) return <ErrorLine error={c.error} />;
  const d = c.data;
  return (
    <div data-testid="customer-page">
      <p><Link to="/customers">← {t('customers.title')}</Link></p>
      <h1>{d.name}</h1>
      <Section title={t('customers.title')} actions={<button onClick={() => setEdit({ name: d.name, email: d.email ?? '', phone: d.phone ?? '' })}>{t('fleet.edit')}</button>}>
        {edit ? (
          <form
            className="inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api('PATCH', `/api/customers/${encodeURIComponent(id)}`, { name: edit.name, email: edit.email || null, phone: edit.phone || null });
                setEdit(null);
                setError(null);
                void c.reload();
              } catch (err) {
                setError(errorText(t, err));
              }
            }}
          >
            <input aria-label={t('customers.name')} value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} />
            <input aria-label={t('customers.email')} type="email" value={edit.email} placeholder={t('customers.email')} onChange={(e) => setEdit({ ...edit, email: e.target.value })} />
            <input aria-label={t('customers.phone')} type="tel" value={edit.phone} placeholder={t('customers.phone')} onChange={(e) => setEdit({ ...edit, phone: e.target.value })} />
            <button type="submit">{t('fleet.save')}</button>
            <button type="button" onClick={() => setEdit(null)}>{t('fleet.cancel')}</button>
          </form>
        ) : (
          <p>{d.email ?? '—'} · {d.phone ?? '—'}</p>
        )}
        <ErrorLine error={error} />
      </Section>
      <Section title={`${t('docs.documentsOf')} (${d.documentsTotal})`}>
        <DocumentTable items={d.documents} />
      </Section>
    </div>
  );
}
