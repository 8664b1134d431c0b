import { useState } from 'react';
import type { ImportResult, Product, RejectedRow } from '@comptoir/protocol';
import { api, apiCsv, apiText, qs } from '../api.client';
import { csvChunks } from '../csv-chunks';
import { formatDecimalEuros, formatEuros, formatRate, parseEuros } from '@comptoir/domain/money';
import { fieldLabel } from '@comptoir/protocol/i18n';
import { useI18n, type T } from '../i18n';
import { ErrorLine, errorText, Pager, Section, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

const VAT_RATES = [2000, 1000, 550, 210, 0];

export function CatalogScreen() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api<{ items: Product[]; total: number }>('GET', `/api/products${qs({ q, limit: 50, offset })}`), [q, offset]);
  const categories = useLoad(() => api<{ items: { name: string; products: number }[] }>('GET', '/api/catalog/categories'), []);
  const [editing, setEditing] = useState<string | null>(null);

  async function exportCsv() {
    const text = await apiText('GET', '/api/catalog/export.csv');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = 'catalogue.csv';
    a.click();
  }

  return (
    <div>
      <h1>{t('catalog.title')}</h1>
      <CsvImport onDone={() => { void list.reload(); void categories.reload(); }} />
      <NewProduct onCreated={() => void list.reload()} />
      <Section title={t('catalog.title')} actions={<button data-testid="export-csv" onClick={() => void exportCsv()}>{t('catalog.export')}</button>}>
        <div className="muted small">
          {t('catalog.categories')} : {categories.data?.items.map((c) => `${c.name || '—'} (${c.products})`).join(' · ')}
        </div>
        <input className="search" type="search" data-testid="catalog-search" aria-label={t('catalog.search')} placeholder={t('catalog.search')} value={q} onChange={(e) => { setOffset(0); setQ(e.target.value); }} />
        <ErrorLine error={list.error} />
        <TableScroll label={t('catalog.title')}>
        <table className="grid" data-testid="catalog">
          <thead><tr><th>{t('catalog.sku')}</th><th>{t('catalog.label')}</th><th>{t('catalog.category')}</th><th className="num">{t('catalog.price')}</th><th className="num">{t('catalog.vat')}</th><th>{t('catalog.barcodes')}</th><th className="actions"><span className="sr-only">{t('fleet.actions')}</span></th></tr></thead>
          <tbody>
            {list.data?.items.map((p) =>
              editing === p.sku ? (
                <ProductEditor key={p.sku} p={p} onDone={() => { setEditing(null); void list.reload(); }} />
              ) : (
                <tr key={p.sku} data-testid={`product-${p.sku}`}>
                  <td className="mono">{p.sku}</td>
                  <td>
                    {p.label}
                    {!p.mealVoucherEligible && <span className="muted small" data-testid={`no-meal-voucher-${p.sku}`}> · {t('catalog.noMealVoucher')}</span>}
                  </td>
                  <td>{p.category}</td>
                  <td className="num" data-testid={`price-${p.sku}`}>
                    {p.openPriceMaxCents !== null ? t('catalog.openPriceShown', { max: formatEuros(p.openPriceMaxCents, lang) }) : formatEuros(p.priceCents, lang)}
                  </td>
                  <td className="num">{formatRate(p.vatRate, lang)}</td>
                  <td className="mono small">{p.barcodes.join(' ')}</td>
                  <td className="actions">
                    <RowMenu label={t('row.actionsOf', { name: `${p.sku} ${p.label}` })} testId={`row-menu-product-${p.sku}`}>
                      <RowAction testId={`edit-${p.sku}`} onSelect={() => setEditing(p.sku)}>{t('fleet.edit')}</RowAction>
                    </RowMenu>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        </TableScroll>
        <Pager offset={offset} limit={50} total={list.data?.total ?? 0} onChange={setOffset} />
      </Section>
    </div>
  );
}

/** The open-price fields of a product form: checked → the cap typed in euros (above 0); else none. */
type OpenPriceForm = { openPrice: boolean; cap: string };
function openPriceFields(f: OpenPriceForm): { openPrice: boolean; openPriceMaxCents: number | null } | null {
  if (!f.openPrice) return { openPrice: false, openPriceMaxCents: null };
  const cap = parseEuros(f.cap);
  return cap === null || cap === 0 ? null : { openPrice: true, openPriceMaxCents: cap };
}

/** "Open price" with its cap: a checkbox, and the cap's field once checked. */
function OpenPriceInputs({ f, sku, onChange }: { f: OpenPriceForm; sku: string; onChange(f: OpenPriceForm): void }) {
  const { t } = useI18n();
  return (
    <span className="open-price">
      <label>
        <input type="checkbox" data-testid={`open-price-${sku}`} checked={f.openPrice} onChange={(e) => onChange({ ...f, openPrice: e.target.checked })} /> {t('catalog.openPrice')}
      </label>
      {f.openPrice && (
        <input className="short" data-testid={`open-price-max-${sku}`} aria-label={t('catalog.openPriceMax')} placeholder={t('catalog.openPriceMax')} value={f.cap} onChange={(e) => onChange({ ...f, cap: e.target.value })} />
      )}
    </span>
  );
}

/** "Meal vouchers accepted" (food only, §24): checked by default, so a shop that never unticks it changes nothing. */
function MealVoucherInput({ checked, sku, onChange }: { checked: boolean; sku: string; onChange(v: boolean): void }) {
  const { t } = useI18n();
  return (
    <label className="small">
      <input type="checkbox" data-testid={`meal-voucher-eligible-${sku}`} checked={checked} onChange={(e) => onChange(e.target.checked)} /> {t('catalog.mealVoucherEligible')}
    </label>
  );
}

function ProductEditor({ p, onDone }: { p: Product; onDone(): void }) {
  const { t } = useI18n();
  const [f, setF] = useState({
    label: p.label, price: formatDecimalEuros(p.priceCents), vatRate: p.vatRate, category: p.category, barcodes: p.barcodes.join(' '),
    openPrice: p.openPrice, cap: p.openPriceMaxCents !== null ? formatDecimalEuros(p.openPriceMaxCents) : '', mealVoucherEligible: p.mealVoucherEligible,
  });
  const [error, setError] = useState<string | null>(null);
  async function save() {
    const priceCents = parseEuros(f.price);
    if (priceCents === null) return setError(t('catalog.invalidPrice'));
    const open = openPriceFields(f);
    if (open === null) return setError(t('catalog.invalidCap'));
    try {
      await api('PUT', `/api/products/${encodeURIComponent(p.sku)}`, { label: f.label, priceCents, vatRate: f.vatRate, category: f.category, barcodes: f.barcodes.split(/\s+/).filter(Boolean), ...open, mealVoucherEligible: f.mealVoucherEligible });
      onDone();
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  return (
    <tr className="editor-row" data-testid={`product-editor-${p.sku}`}>
      <td className="mono">{p.sku}</td>
      <td><input aria-label={t('catalog.label')} value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} /></td>
      <td>
        <input aria-label={t('catalog.category')} value={f.category} onChange={(e) => setF({ ...f, category: e.target.value })} />
        <MealVoucherInput checked={f.mealVoucherEligible} sku={p.sku} onChange={(v) => setF({ ...f, mealVoucherEligible: v })} />
      </td>
      <td>
        <input aria-label={t('catalog.price')} inputMode="decimal" data-testid={`price-input-${p.sku}`} className="short" value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} />
        <OpenPriceInputs f={f} sku={p.sku} onChange={(o) => setF({ ...f, ...o })} />
      </td>
      <td>
        <select aria-label={t('catalog.vat')} value={f.vatRate} onChange={(e) => setF({ ...f, vatRate: Number(e.target.value) })}>
          {[...new Set([...VAT_RATES, p.vatRate])].map((r) => <option key={r} value={r}>{formatRate(r, 'fr')}</option>)}
        </select>
      </td>
      <td><input aria-label={t('catalog.barcodes')} value={f.barcodes} onChange={(e) => setF({ ...f, barcodes: e.target.value })} /></td>
      <td className="actions">
        <button data-testid={`save-${p.sku}`} onClick={() => void save()}>{t('fleet.save')}</button>
        <button onClick={onDone}>{t('fleet.cancel')}</button>
        <ErrorLine error={error} />
      </td>
    </tr>
  );
}

function NewProduct({ onCreated }: { onCreated(): void }) {
  const { t } = useI18n();
  const blank = { sku: '', label: '', price: '', vatRate: 2000, category: '', barcodes: '', openPrice: false, cap: '' };
  const [f, setF] = useState(blank);
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title={t('catalog.newProduct')}>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          // An open-price item needs no catalog price (0 when left empty).
          const priceCents = f.openPrice && !f.price.trim() ? 0 : parseEuros(f.price);
          if (priceCents === null) return setError(t('catalog.invalidPrice'));
          const open = openPriceFields(f);
          if (open === null) return setError(t('catalog.invalidCap'));
          try {
            await api('POST', '/api/products', { sku: f.sku, label: f.label, priceCents, vatRate: f.vatRate, category: f.category, barcodes: f.barcodes.split(/\s+/).filter(Boolean), ...open });
            setF(blank);
            setError(null);
            onCreated();
          } catch (err) {
            setError(errorText(t, err));
          }
        }}
      >
        <input aria-label={t('catalog.sku')} placeholder={t('catalog.sku')} value={f.sku} onChange={(e) => setF({ ...f, sku: e.target.value })} />
        <input aria-label={t('catalog.label')} placeholder={t('catalog.label')} value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} />
        <input className="short" inputMode="decimal" aria-label={t('catalog.price')} placeholder={t('catalog.price')} value={f.price} onChange={(e) => setF({ ...f, price: e.target.value })} />
        <select aria-label={t('catalog.vat')} value={f.vatRate} onChange={(e) => setF({ ...f, vatRate: Number(e.target.value) })}>
          {VAT_RATES.map((r) => <option key={r} value={r}>{formatRate(r, 'fr')}</option>)}
        </select>
        <input aria-label={t('catalog.category')} placeholder={t('catalog.category')} value={f.category} onChange={(e) => setF({ ...f, category: e.target.value })} />
        <input aria-label={t('catalog.barcodes')} placeholder={t('catalog.barcodes')} value={f.barcodes} onChange={(e) => setF({ ...f, barcodes: e.target.value })} />
        <OpenPriceInputs f={f} sku="new" onChange={(o) => setF({ ...f, ...o })} />
        <button type="submit">{t('catalog.create')}</button>
      </form>
      <ErrorLine error={error} />
    </Section>
  );
}

/**
 * One reason of a rejected CSV row, in the reader's language. The import answers `field: text`
 * (the validator's English); French shows the field's label and what is wrong with it.
 */
function importReasonText(t: T, reason: string): string {
  const colon = reason.indexOf(': ');
  if (colon < 0) return t.lang === 'en' ? reason : t('catalog.reasonInvalid', { field: reason });
  const field = fieldLabel(t, reason.slice(0, colon));
  const rest = reason.slice(colon + 2);
  if (t.lang === 'en') return `${field}: ${rest}`;
  const earlier = /^(\S+) is given to (\S+) earlier in the file$/.exec(rest);
  if (earlier) return t('catalog.reasonBarcodeRepeated', { code: earlier[1]!, sku: earlier[2]! });
  const taken = /^(\S+) already belongs to (\S+)$/.exec(rest);
  if (taken) return t('catalog.reasonBarcodeTaken', { code: taken[1]!, sku: taken[2]! });
  if (/appears earlier in the file$/.test(rest)) return t('catalog.reasonSkuRepeated', { field });
  if (reason.startsWith('price: ') || reason.startsWith('openPriceMax: ')) return t('catalog.reasonPrice', { field });
  if (reason.startsWith('vat: ')) return t('catalog.reasonVat', { field });
  if (reason.startsWith('titre_restaurant: ')) return t('catalog.reasonMealVoucher', { field });
  return t('catalog.reasonInvalid', { field });
}

/** CSV import in 1,000-row chunks: a real progress bar, and one report of every rejected row. */
function CsvImport({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [report, setReport] = useState<{ rows: number; created: number; updated: number; rejected: RejectedRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);

  async function importFile(file: File) {
    setReport(null);
    setError(null);
    const chunks = csvChunks(await file.text());
    const total = chunks.reduce((s, c) => s + c.records, 0);
    const sum = { rows: 0, created: 0, updated: 0, rejected: [] as RejectedRow[] };
    setProgress({ done: 0, total });
    try {
      for (const c of chunks) {
        const r = await apiCsv<ImportResult>(`/api/catalog/import?firstLine=${c.firstLine}`, c.body);
        sum.rows += r.rows;
        sum.created += r.created;
        sum.updated += r.updated;
        sum.rejected.push(...r.rejected);
        setProgress({ done: sum.rows, total });
      }
      setReport(sum);
    } catch (e) {
      setError(errorText(t, e));
      setReport(sum);
    }
    onDone();
  }

  return (
    <Section title={t('catalog.import')}>
      <p className="muted small">{t('catalog.csvHelp')}</p>
      {/* The browser's own file button speaks the browser's language ("Choose File"): a label in the app's does instead. */}
      <label className="file-button">
        <input type="file" className="sr-only" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => { const f = e.target.files?.[0]; if (f) { setFileName(f.name); void importFile(f); } e.target.value = ''; }} />
        <span className="button-like" aria-hidden="true">{t('catalog.chooseFile')}</span>
        <span className="sr-only">{t('catalog.import')}</span>
        <span className="muted small" data-testid="import-file-name">{fileName ?? t('catalog.noFile')}</span>
      </label>
      {progress && (
        <div className="progress-line">
          <progress data-testid="import-progress" max={progress.total || 1} value={progress.done} />
          <span>{progress.done} / {progress.total}</span>
        </div>
      )}
      <ErrorLine error={error} />
      {report && (
        <div className="notice" data-testid="import-report" data-rejected={report.rejected.length}>
          <strong>{t('catalog.done')}</strong> : {report.rows} — {report.created} {t('catalog.created')}, {report.updated} {t('catalog.updated')}, {report.rejected.length} {t('catalog.rejected').toLowerCase()}
          {report.rejected.length > 0 && (
            <TableScroll label={t('catalog.rejected')}>
            <table className="grid small" data-testid="import-rejected">
              <thead><tr><th>{t('catalog.line')}</th><th>{t('catalog.sku')}</th><th>{t('catalog.reasons')}</th></tr></thead>
              <tbody>
                {report.rejected.slice(0, 500).map((r) => (
                  <tr key={r.line} data-testid={`import-rejected-${r.line}`}><td>{r.line}</td><td className="mono">{r.sku ?? '—'}</td><td>{r.reasons.map((x) => importReasonText(t, x)).join(' ; ')}</td></tr>
                ))}
              </tbody>
            </table>
            </TableScroll>
          )}
        </div>
      )}
    </Section>
  );
}
