import { useMemo, useState } from 'react';
import { formatDecimalEuros, formatEuros, parseEuros } from '@comptoir/domain/money';
import type { CreateStoreRequest, PatchStoreRequest, Store } from '@comptoir/protocol';
import { api, ApiError } from '../api.client';
import { useI18n } from '../i18n';
import { ErrorLine, errorText, Section, TIME_FIELD, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

// The chain's stores (issue 9): identity printed on receipts (name, address, SIRET, VAT number),
// time zone, and the NF525 calendar settings (business-day cutoff, first month of the fiscal year).
// Admin only (POST/PATCH /api/stores are admin-only on central; a manager's navigation has no such
// screen): the admin creates and edits them. Central validates; a refusal is shown from its code and
// fields, and the fields it names are marked invalid. The meal-voucher cap (architecture §24) and the
// most a gift card may be sold for (§25) are typed in euros and sent in cents; the till applies the
// first per ticket (it cannot know a person), the second to each card it sells, offline too.

type Form = {
  name: string; code: string; address: string; siret: string; vatNumber: string; timezone: string; businessDayCutoff: string; fiscalYearStartMonth: number;
  /** Euros as typed (`25,00`); sent as `mealVoucherCapCents`. */
  mealVoucherCap: string;
  /** Euros as typed (`500,00`); sent as `giftCardMaxCents`. */
  giftCardMax: string;
};
type Field = keyof Form;

const EMPTY: Form = { name: '', code: '', address: '', siret: '', vatNumber: '', timezone: 'Europe/Paris', businessDayCutoff: '04:00', fiscalYearStartMonth: 1, mealVoucherCap: '25,00', giftCardMax: '500,00' };
const formOf = (s: Store): Form => ({ name: s.name, code: s.code, address: s.address, siret: s.siret, vatNumber: s.vatNumber, timezone: s.timezone, businessDayCutoff: s.businessDayCutoff, fiscalYearStartMonth: s.fiscalYearStartMonth, mealVoucherCap: formatDecimalEuros(s.mealVoucherCapCents), giftCardMax: formatDecimalEuros(s.giftCardMaxCents) });

type AmountField = 'mealVoucherCapCents' | 'giftCardMaxCents';
type StoreFields = Omit<Form, 'mealVoucherCap' | 'giftCardMax'> & Record<AmountField, number>;
/** The form as central's fields (the amounts in cents), or the amount field whose text is no amount. */
function fieldsOf({ mealVoucherCap, giftCardMax, ...rest }: Form): { fields: StoreFields } | { bad: AmountField } {
  const mealVoucherCapCents = parseEuros(mealVoucherCap);
  const giftCardMaxCents = parseEuros(giftCardMax);
  if (mealVoucherCapCents === null) return { bad: 'mealVoucherCapCents' };
  if (giftCardMaxCents === null) return { bad: 'giftCardMaxCents' };
  return { fields: { ...rest, mealVoucherCapCents, giftCardMaxCents } };
}

function monthName(month: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));
}

export function StoresScreen() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const edited = list.data?.items.find((s) => s.id === editing);

  return (
    <div>
      <h1>{t('stores.title')}</h1>
      {creating ? (
        <StoreForm key="new" onSaved={() => { setCreating(false); void list.reload(); }} onCancel={() => setCreating(false)} />
      ) : (
        <p>
          <button data-testid="store-new" onClick={() => { setEditing(null); setCreating(true); }}>{t('stores.new')}</button>
        </p>
      )}
      {edited && <StoreForm key={edited.id} store={edited} onSaved={() => { setEditing(null); void list.reload(); }} onCancel={() => setEditing(null)} />}
      <Section title={t('stores.list')}>
        <ErrorLine error={list.error} />
        <TableScroll label={t('stores.list')}>
          <table className="grid" data-testid="stores">
            <thead>
              <tr>
                <th>{t('stores.code')}</th>
                <th>{t('field.name')}</th>
                <th>{t('field.address')}</th>
                {/* SIRET and VAT number in one column, one above the other: the table fits at 1024 px. */}
                <th>
                  {t('field.siret')} / {t('field.vatNumber')}
                </th>
                <th>{t('field.timezone')}</th>
                <th>{t('field.businessDayCutoff')}</th>
                <th>{t('field.fiscalYearStartMonth')}</th>
                {/* The two amounts in one column, one above the other (as SIRET and VAT number). */}
                <th>
                  {t('stores.mealVoucherCap')} / {t('stores.giftCardMax')}
                </th>
                <th className="actions"><span className="sr-only">{t('fleet.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((s) => (
                <tr key={s.id} data-testid={`store-${s.id}`} className={s.id === editing ? 'selected' : ''}>
                  <td className="mono">{s.code}</td>
                  <td data-testid={`store-name-${s.id}`}>{s.name}</td>
                  <td>{s.address}</td>
                  <td className="mono">
                    <div data-testid={`store-siret-${s.id}`}>{s.siret}</div>
                    <div>{s.vatNumber}</div>
                  </td>
                  {/* A zone may wrap after its slashes (a zero-width space after each). */}
                  <td>{s.timezone.replaceAll('/', '/\u200b')}</td>
                  <td data-testid={`store-cutoff-${s.id}`}>{s.businessDayCutoff}</td>
                  <td>{monthName(s.fiscalYearStartMonth, lang)}</td>
                  <td>
                    <div data-testid={`store-meal-voucher-cap-${s.id}`}>{formatEuros(s.mealVoucherCapCents, lang)}</div>
                    <div data-testid={`store-gift-card-max-${s.id}`}>{formatEuros(s.giftCardMaxCents, lang)}</div>
                  </td>
                  <td className="actions">
                    <RowMenu label={t('row.actionsOf', { name: s.name })} testId={`row-menu-store-${s.id}`}>
                      <RowAction testId={`store-edit-${s.id}`} onSelect={() => { setCreating(false); setEditing(s.id); }}>
                        {t('fleet.edit')}
                      </RowAction>
                    </RowMenu>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Section>
    </div>
  );
}

/** Create (no `store`) or edit one store; a PATCH sends only the fields that changed. */
function StoreForm({ store, onSaved, onCancel }: { store?: Store; onSaved(): void; onCancel(): void }) {
  const { t, lang } = useI18n();
  const initial = useMemo(() => (store ? formOf(store) : EMPTY), [store]);
  const [f, setF] = useState<Form>(initial);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const prefix = store ? `store-edit-form` : 'store-new-form';

  async function save() {
    const parsed = fieldsOf(f);
    if ('bad' in parsed) {
      setError(t(parsed.bad === 'mealVoucherCapCents' ? 'stores.badCap' : 'stores.badGiftCardMax'));
      setInvalid(new Set([parsed.bad]));
      return;
    }
    const fields = parsed.fields;
    setBusy(true);
    try {
      if (store) {
        const before = fieldsOf(initial);
        const was = 'fields' in before ? before.fields : undefined;
        const changes = Object.fromEntries(Object.entries(fields).filter(([k, v]) => was?.[k as keyof typeof fields] !== v)) as PatchStoreRequest;
        if (Object.keys(changes).length > 0) await api<Store>('PATCH', `/api/stores/${encodeURIComponent(store.id)}`, changes);
      } else {
        const { code, ...rest } = fields;
        const body: CreateStoreRequest = { ...rest, ...(code.trim() ? { code } : {}) };
        await api<Store>('POST', '/api/stores', body);
      }
      onSaved();
    } catch (e) {
      setError(errorText(t, e));
      setInvalid(new Set(e instanceof ApiError ? [...e.issues.map((i) => i.path.split('.').pop() ?? ''), ...(typeof e.details?.['field'] === 'string' ? [e.details['field']] : [])] : []));
    } finally {
      setBusy(false);
    }
  }

  const input = (field: Exclude<Field, 'fiscalYearStartMonth' | 'mealVoucherCap' | 'giftCardMax'>, extra: Record<string, unknown> = {}) => (
    <label>
      {t(field === 'code' ? 'stores.code' : `field.${field}`)}
      <input
        data-testid={`${prefix}-${field}`}
        value={f[field]}
        aria-invalid={invalid.has(field) || undefined}
        onChange={(e) => setF({ ...f, [field]: e.target.value })}
        {...extra}
      />
    </label>
  );

  /** An amount typed in euros (`field` of the form, `apiField` in central's refusals), its help under it. */
  const amount = (field: 'mealVoucherCap' | 'giftCardMax', apiField: AmountField, label: string, help: string) => (
    <>
      <label>
        {label}
        <input
          data-testid={`${prefix}-${field}`}
          className="short"
          inputMode="decimal"
          required
          value={f[field]}
          aria-invalid={invalid.has(apiField) || undefined}
          aria-describedby={`${prefix}-${field}-help`}
          onChange={(e) => setF({ ...f, [field]: e.target.value })}
        />
      </label>
      <p className="muted small full" id={`${prefix}-${field}-help`}>{help}</p>
    </>
  );

  return (
    <Section title={store ? t('stores.editOne', { store: store.name }) : t('stores.new')}>
      <form
        className="store-form"
        data-testid={prefix}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {input('name', { required: true })}
        {input('code', { placeholder: store ? undefined : t('stores.codeAuto'), className: 'short' })}
        {input('address', { required: true, className: 'wide' })}
        {input('siret', { required: true, inputMode: 'numeric' })}
        {input('vatNumber', { required: true })}
        {input('timezone', { required: true, list: 'time-zones' })}
        <datalist id="time-zones">
          {zones.map((z) => <option key={z} value={z} />)}
        </datalist>
        {input('businessDayCutoff', { ...TIME_FIELD, required: true, 'aria-describedby': `${prefix}-cutoff-help` })}
        <label>
          {t('field.fiscalYearStartMonth')}
          <select data-testid={`${prefix}-fiscalYearStartMonth`} value={f.fiscalYearStartMonth} aria-invalid={invalid.has('fiscalYearStartMonth') || undefined} onChange={(e) => setF({ ...f, fiscalYearStartMonth: Number(e.target.value) })}>
            {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => <option key={m} value={m}>{monthName(m, lang)}</option>)}
          </select>
        </label>
        <p className="muted small full" id={`${prefix}-cutoff-help`}>{t('stores.cutoffHelp')}</p>
        {amount('mealVoucherCap', 'mealVoucherCapCents', t('stores.mealVoucherCap'), t('stores.capHelp'))}
        {amount('giftCardMax', 'giftCardMaxCents', t('field.giftCardMaxCents'), t('stores.giftCardHelp'))}
        <div className="full">
          <button type="submit" data-testid={`${prefix}-save`} disabled={busy}>{store ? t('fleet.save') : t('stores.create')}</button>
          <button type="button" onClick={onCancel}>{t('fleet.cancel')}</button>
        </div>
      </form>
      <ErrorLine error={error} />
    </Section>
  );
}
