import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { StockCount, StockCountsResponse, Store } from '@comptoir/protocol';
import { api, ApiError, qs } from '../api.client';
import { useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Section, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

// The stock count (inventaire, docs/architecture.md §21): pick a category, count line by line
// (Enter moves to the next line), save as often as wanted, then post once after confirming.
// Phases of the sheet on screen: none → open (drafts typed, saved in parts) → posted (read only).

/** A typed quantity: '' clears the line, a whole number ≥ 0 counts it; anything else is invalid. */
function parsed(draft: string): number | null | 'invalid' {
  const s = draft.trim();
  if (s === '') return null;
  return /^\d{1,7}$/.test(s) ? Number(s) : 'invalid';
}

export function InventoryScreen() {
  const { t } = useI18n();
  const clock = useStoreClock();
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const categories = useLoad(() => api<{ items: { name: string; products: number }[] }>('GET', '/api/catalog/categories'), []);
  const [storeId, setStoreId] = useState('');
  const [category, setCategory] = useState('');
  // The store shown in the picker: the one chosen, else the list's first. Counts are started in it AND
  // listed for it (listing with no store let central pick its default store, another one).
  const effectiveStore = storeId || stores.data?.items[0]?.id || '';
  // Read again on each choice of category: a count opened meanwhile (another screen) is offered for resuming.
  const counts = useLoad(
    async () => (effectiveStore ? api<StockCountsResponse>('GET', `/api/stock-counts${qs({ storeId: effectiveStore, limit: 20 })}`) : null),
    [effectiveStore, category],
  );
  const [count, setCount] = useState<StockCount | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const saveButton = useRef<HTMLButtonElement | null>(null);

  const openOfCategory = counts.data?.items.find((c) => c.status === 'open' && c.category === category);
  const dirty = count ? count.lines.filter((l) => l.sku in drafts && parsed(drafts[l.sku]!) !== l.counted) : [];
  const invalid = dirty.filter((l) => parsed(drafts[l.sku]!) === 'invalid');

  useEffect(() => {
    setCount(null);
    setDrafts({});
  }, [storeId]);

  async function run(fn: () => Promise<StockCount>, done?: string) {
    setBusy(true);
    try {
      const next = await fn();
      setCount(next);
      setDrafts({});
      setError(null);
      setNotice(done ?? null);
      void counts.reload();
      return next;
    } catch (e) {
      setError(errorText(t, e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  const open = (id: string) => run(() => api<StockCount>('GET', `/api/stock-counts/${encodeURIComponent(id)}`));

  async function start() {
    setConfirming(false);
    try {
      const started = await api<StockCount>('POST', '/api/stock-counts', { storeId: effectiveStore, category });
      await run(async () => started);
    } catch (e) {
      // Opened meanwhile (another screen): resume it rather than refuse.
      const openId = e instanceof ApiError && e.code === 'STOCK_COUNT_OPEN' ? e.details?.['countId'] : undefined;
      if (typeof openId === 'string') await open(openId);
      else setError(errorText(t, e));
    }
  }

  function save(current: StockCount) {
    const lines = dirty.map((l) => ({ sku: l.sku, counted: parsed(drafts[l.sku]!) }));
    return run(() => api<StockCount>('PUT', `/api/stock-counts/${encodeURIComponent(current.id)}/lines`, { lines }), t('inventory.saved'));
  }

  async function post(current: StockCount) {
    setConfirming(false);
    if (dirty.length > 0 && !(await save(current))) return;
    await run(() => api<StockCount>('POST', `/api/stock-counts/${encodeURIComponent(current.id)}/post`));
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>, index: number) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const next = inputs.current[index + 1];
    if (next) next.focus();
    else saveButton.current?.focus();
  }

  const shownCounted = (sku: string, counted: number | null) => (sku in drafts ? drafts[sku]! : counted === null ? '' : String(counted));
  const differenceOf = (l: StockCount['lines'][number]) => {
    const typed = l.sku in drafts ? parsed(drafts[l.sku]!) : l.counted;
    return typed === null || typed === 'invalid' ? null : typed - l.expected;
  };
  const differences = count ? count.lines.filter((l) => (differenceOf(l) ?? 0) !== 0).length : 0;
  const posted = count?.status === 'posted';

  return (
    <div>
      <h1>{t('inventory.title')}</h1>
      <div className="filters card">
        <label>
          {t('docs.store')}
          <select data-testid="inventory-store" value={effectiveStore} onChange={(e) => setStoreId(e.target.value)}>
            {stores.data?.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>
          {t('inventory.category')}
          <select data-testid="inventory-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('inventory.chooseCategory')}</option>
            {categories.data?.items.filter((c) => c.name !== '').map((c) => <option key={c.name} value={c.name}>{`${c.name} (${c.products})`}</option>)}
          </select>
        </label>
        {openOfCategory ? (
          count?.id !== openOfCategory.id && <button data-testid="inventory-resume" disabled={busy} onClick={() => void open(openOfCategory.id)}>{t('inventory.resume')}</button>
        ) : (
          <button data-testid="inventory-start" disabled={busy || !category || !effectiveStore} onClick={() => void start()}>{t('inventory.start')}</button>
        )}
      </div>
      <ErrorLine error={error ?? stores.error ?? categories.error ?? counts.error} />
      {notice && <p className="notice" role="status" data-testid="inventory-notice">{notice}</p>}
      {count && (
        <Section
          title={t('inventory.sheet', { category: count.category })}
          actions={<span className="small muted" data-testid="count-progress">{t('inventory.progress', { counted: count.lines.filter((l) => differenceOf(l) !== null).length, total: count.lines.length })}</span>}
        >
          <p className="small muted">
            {t('inventory.startedBy', { date: clock.dateTime(count.startedAt, count), user: count.startedBy })} · {t('inventory.rule')}
          </p>
          {posted && count.adjustment && (
            <p className="notice" data-testid="count-posted">
              {t('inventory.posted', { date: clock.dateTime(count.adjustment.postedAt, count), user: count.adjustment.postedBy, differences: count.adjustment.lines.filter((l) => l.delta !== 0).length })}
            </p>
          )}
          <TableScroll label={t('inventory.sheet', { category: count.category })}>
            <table className="grid" data-testid="count-sheet" data-status={count.status}>
              <thead>
                <tr>
                  <th scope="col">{t('catalog.sku')}</th>
                  <th scope="col">{t('catalog.label')}</th>
                  <th scope="col" className="num">{t('inventory.frozen')}</th>
                  <th scope="col" className="num">{t('inventory.moved')}</th>
                  <th scope="col" className="num">{t('inventory.expected')}</th>
                  <th scope="col" className="num">{t('inventory.counted')}</th>
                  <th scope="col" className="num">{t('inventory.difference')}</th>
                </tr>
              </thead>
              <tbody>
                {count.lines.map((l, i) => {
                  const diff = differenceOf(l);
                  const bad = l.sku in drafts && parsed(drafts[l.sku]!) === 'invalid';
                  return (
                    <tr key={l.sku} data-testid={`count-line-${l.sku}`}>
                      <td className="mono" style={{ whiteSpace: 'nowrap' }}>{l.sku}</td>
                      <td>{l.label}</td>
                      <td className="num">{l.frozenQuantity}</td>
                      <td className="num">{l.movedSinceStart > 0 ? `+${l.movedSinceStart}` : l.movedSinceStart}</td>
                      <td className="num" data-testid={`count-expected-${l.sku}`}>{l.expected}</td>
                      <td className="num">
                        <input
                          ref={(el) => { inputs.current[i] = el; }}
                          data-testid={`count-input-${l.sku}`}
                          className="short num"
                          type="text"
                          inputMode="numeric"
                          pattern="[0-9]*"
                          autoComplete="off"
                          aria-label={t('inventory.countedOf', { label: l.label })}
                          aria-invalid={bad ? 'true' : undefined}
                          readOnly={posted}
                          value={shownCounted(l.sku, l.counted)}
                          onChange={(e) => setDrafts({ ...drafts, [l.sku]: e.target.value })}
                          onKeyDown={(e) => onKey(e, i)}
                        />
                      </td>
                      <td className={diff ? 'num danger-text' : 'num'} data-testid={`count-diff-${l.sku}`}>
                        {diff === null ? '—' : diff > 0 ? `+${diff}` : diff}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          {!posted && (
            <div className="inline-form" style={{ marginTop: '0.8rem' }}>
              <button ref={saveButton} data-testid="count-save" disabled={busy || dirty.length === 0 || invalid.length > 0} onClick={() => void save(count)}>
                {t('inventory.save')}
              </button>
              <button data-testid="count-post" disabled={busy || invalid.length > 0} onClick={() => setConfirming(true)}>{t('inventory.post')}</button>
              <span className="small muted">{dirty.length > 0 ? t('inventory.unsaved', { n: dirty.length }) : t('inventory.enterHint')}</span>
            </div>
          )}
          {confirming && !posted && (
            <div className="confirm" role="alertdialog" aria-labelledby="count-confirm-text" data-testid="count-confirm">
              <p id="count-confirm-text"><strong>{t('inventory.confirm', { category: count.category, differences })}</strong></p>
              <button className="danger" data-testid="count-confirm-yes" disabled={busy} onClick={() => void post(count)}>{t('inventory.confirmYes')}</button>
              <button data-testid="count-confirm-no" autoFocus onClick={() => setConfirming(false)}>{t('inventory.cancel')}</button>
            </div>
          )}
        </Section>
      )}
      <Section title={t('inventory.history')}>
        {counts.data && counts.data.items.length === 0 ? (
          <p className="muted">{t('inventory.none')}</p>
        ) : (
          <TableScroll label={t('inventory.history')}>
            <table className="grid small" data-testid="counts">
              <thead>
                <tr>
                  <th scope="col">{t('inventory.category')}</th>
                  <th scope="col">{t('inventory.state')}</th>
                  <th scope="col">{t('inventory.started')}</th>
                  <th scope="col">{t('inventory.postedAt')}</th>
                  <th scope="col" className="num">{t('inventory.countedCol')}</th>
                  <th scope="col" className="actions"><span className="sr-only">{t('fleet.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {counts.data?.items.map((c) => (
                  <tr key={c.id} data-testid={`count-row-${c.id}`} data-status={c.status} className={count?.id === c.id ? 'selected' : ''}>
                    <td>{c.category}</td>
                    <td>{t(`inventory.status.${c.status}`)}</td>
                    <td>{clock.dateTime(c.startedAt, c)} · {c.startedBy}</td>
                    <td>{c.postedAt ? `${clock.dateTime(c.postedAt, c)} · ${c.postedBy ?? ''}` : '—'}</td>
                    <td className="num">{c.countedCount} / {c.lineCount}</td>
                    <td className="actions">
                      <RowMenu label={t('row.actionsOf', { name: c.category })} testId={`row-menu-count-${c.id}`}>
                        <RowAction testId={`count-open-${c.id}`} onSelect={() => void open(c.id)}>{t('inventory.open')}</RowAction>
                      </RowMenu>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Section>
    </div>
  );
}
