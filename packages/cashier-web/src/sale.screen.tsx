import { memo, useCallback, useEffect, useRef, useState, type Dispatch } from 'react';
import { flushSync } from 'react-dom';
import type { LocalProduct, ShelfCategory } from '@comptoir/protocol';
import { api } from './api.client';
import { cartTotal, lineTotal, ticketDiscountOf, type Cart, type CartAction, type CartLine } from './cart.state';
import { errorText } from './i18n.messages';
import { dialogOpen } from './keyboard.dialog';
import { formatDecimalEuros, formatEuros, formatRate, parseEuros } from '@comptoir/domain/money';
import { parseTicketReference } from '@comptoir/domain/ticket-reference';
import { ticketDiscountCents, type TicketDiscount } from '@comptoir/domain/ticket-discount';
import { useScreen } from './screen.context';

/**
 * Selling: shelves (categories → product tiles), search by name/SKU/barcode, and the scan path.
 * Scan path (keyboard-wedge scanner: characters then Enter in the search field): one exact lookup
 * on the register (SKU, else barcode), then one line added — nothing else runs in between. A
 * receipt's barcode (ticket reference `S01-C2-000123`) scanned here opens that ticket in Returns.
 */
export function SaleScreen(props: {
  cart: Cart;
  dispatch: Dispatch<CartAction>;
  onPay: () => void;
  onPickCustomer: () => void;
  onShowHeld: () => void;
  /** "Carte cadeau": a gift card sold on its own ticket (GiftCardSaleDialog); the cart stays. */
  onSellGiftCard: () => void;
  onTicketReference: (reference: string) => void;
  /** An open-price item scanned or tapped: the app asks its price (OpenPriceDialog), then adds it. */
  onOpenPrice: (product: LocalProduct, quantity: number) => void;
  searchRef: React.RefObject<HTMLInputElement | null>;
}) {
  const { t, lang } = useScreen();
  const { cart, dispatch } = props;
  const [categories, setCategories] = useState<ShelfCategory[]>([]);
  const [category, setCategory] = useState<string | null>(null);
  // The tiles shown and the shelf they belong to: a shelf is fetched on first visit, so for a moment
  // after a category click the previous shelf's tiles are still the ones on screen.
  const [shelf, setShelf] = useState<{ category: string | null; items: LocalProduct[] }>({ category: null, items: [] });
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<LocalProduct[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [discountFor, setDiscountFor] = useState<number | null>(null);
  const [editTicketDiscount, setEditTicketDiscount] = useState(false);
  // The cart follows the line just scanned or added: scrolled to the last line whenever lines are added.
  const cartLinesRef = useRef<HTMLOListElement>(null);
  const lineCount = cart.lines.length;
  const lastLineCount = useRef(lineCount);
  useEffect(() => {
    const list = cartLinesRef.current;
    if (list && lineCount > lastLineCount.current) list.scrollTop = list.scrollHeight;
    lastLineCount.current = lineCount;
  }, [lineCount]);
  // Quantity multiplier: "3" then × (or "3*" typed), then a scan or a tile adds 3 at once.
  const [multiplier, setMultiplierState] = useState<number | null>(null);
  const multiplierRef = useRef<number | null>(null);
  const setMultiplier = (n: number | null) => {
    multiplierRef.current = n;
    setMultiplierState(n);
  };
  const shelfCache = useRef(new Map<string, LocalProduct[]>());
  const searchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    api
      .categories()
      .then((c) => {
        setCategories(c.items);
        setCategory((cur) => cur ?? c.items[0]?.name ?? null);
      })
      .catch((e: unknown) => setMessage(errorText(t, e)));
  }, [t]);

  useEffect(() => {
    if (!category) return;
    const cached = shelfCache.current.get(category);
    if (cached) return setShelf({ category, items: cached });
    api
      .productsIn(category)
      .then((r) => {
        shelfCache.current.set(category, r.items);
        setShelf({ category, items: r.items });
      })
      .catch((e: unknown) => setMessage(errorText(t, e)));
  }, [category, t]);

  // Keyboard-wedge friendliness: a character typed while no field has the focus goes to the search
  // — never while a dialog is open (it owns the keyboard; a scan there is ignored, see DialogScanGuard).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen()) return;
      const el = document.activeElement;
      const typing = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
      if (!typing && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) props.searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [props.searchRef]);

  const { onOpenPrice } = props;
  const add = useCallback(
    (p: LocalProduct) => {
      const n = multiplierRef.current;
      if (p.openPriceMaxCents !== null) onOpenPrice(p, n ?? 1);
      else dispatch({ type: 'add', product: p, ...(n ? { quantity: n } : {}) });
      multiplierRef.current = null;
      setMultiplierState(null);
      setMessage(null);
    },
    [dispatch, onOpenPrice],
  );

  /** "3" in the search then ×: the next product added counts 3. */
  function takeMultiplier(digits: string): boolean {
    const n = Number(digits);
    if (!/^\d{1,4}$/.test(digits) || n < 1) return false;
    setMultiplier(n);
    setQuery('');
    setResults(null);
    return true;
  }

  async function hold() {
    try {
      await api.holdSale({ lines: cart.lines.map(({ key: _key, ...l }) => l), customer: cart.customer });
      dispatch({ type: 'clear' });
      setMessage(null);
      setNotice(t('heldDone'));
    } catch (e) {
      setMessage(errorText(t, e));
    }
  }

  function onQueryChange(q: string) {
    const typedTimes = /^(\d{1,4})[*×]$/.exec(q);
    if (typedTimes && takeMultiplier(typedTimes[1]!)) return;
    setNotice(null);
    setQuery(q);
    if (searchTimer.current) clearTimeout(searchTimer.current);
    if (!q.trim()) return setResults(null);
    // Debounced live search: a scanner's burst of characters never triggers it before its Enter.
    searchTimer.current = setTimeout(() => {
      api
        .search(q.trim())
        .then((r) => setResults(r.items))
        .catch((e: unknown) => setMessage(errorText(t, e)));
    }, 250);
  }

  async function onEnter() {
    const code = query.trim();
    if (!code) return;
    if (searchTimer.current) clearTimeout(searchTimer.current);
    setQuery('');
    if (parseTicketReference(code)) return props.onTicketReference(code);
    try {
      const product = await api.byCode(code);
      // The scan path renders the new line at once (no deferred render between answer and screen).
      flushSync(() => add(product));
      setResults(null);
    } catch (e) {
      const only = results?.length === 1 ? results[0] : undefined;
      if (only) {
        add(only);
        setResults(null);
      } else if ((e as { code?: string }).code === 'NOT_FOUND') {
        setMessage(t('unknownCode', { code }));
      } else {
        setMessage(errorText(t, e));
      }
    }
  }

  const shown = results ?? shelf.items;
  const total = cartTotal(cart);
  return (
    <div className="sale">
      <section className="shelf">
        <div className="search-row">
        <input
          ref={props.searchRef}
          data-testid="product-search"
          aria-label={t('searchPlaceholder')}
          className="search"
          placeholder={t('searchPlaceholder')}
          value={query}
          autoComplete="off"
          enterKeyHint="enter"
          onChange={(e) => onQueryChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void onEnter();
            } else if (e.key === 'Escape') {
              onQueryChange('');
              setMultiplier(null);
            }
          }}
        />
        {multiplier !== null && (
          <span className="multiplier" data-testid="multiplier" data-n={multiplier}>
            × {multiplier}
          </span>
        )}
        <button className="secondary times" data-testid="times" aria-label={t('timesLabel')} title={t('timesLabel')} onClick={() => takeMultiplier(query.trim()) || props.searchRef.current?.focus()}>
          ×
        </button>
        </div>
        {notice && (
          <p className="ok" role="status" data-testid="sale-notice">
            {notice}
          </p>
        )}
        {message && (
          <p className="error" role="alert" data-testid="sale-message">
            {message}
          </p>
        )}
        {results ? (
          <p className="hint">{t('searchResults', { q: query })}</p>
        ) : (
          <nav className="categories">
            {categories.map((c) => (
              <button
                key={c.name}
                data-testid="category"
                className={c.name === category ? 'category active' : 'category'}
                onClick={() => setCategory(c.name)}
              >
                {c.name}
              </button>
            ))}
          </nav>
        )}
        <ProductGrid products={shown} shelf={results ? null : shelf.category} empty={shown.length === 0 && results !== null} onAdd={add} />
      </section>

      <aside className="cart">
        <div className="cart-customer">
          <span data-testid="cart-customer">{cart.customer ? cart.customer.name : t('noCustomer')}</span>
          {cart.customer ? (
            <button className="small secondary" data-testid="customer-detach" onClick={() => dispatch({ type: 'customer', customer: null })}>
              {t('detach')}
            </button>
          ) : (
            <button className="small secondary" data-testid="customer-pick" onClick={props.onPickCustomer}>
              {t('chooseCustomer')} (F6)
            </button>
          )}
        </div>
        <ol className="cart-lines" data-testid="cart-lines" ref={cartLinesRef}>
          {cart.lines.length === 0 && <li className="hint">{t('cartEmpty')}</li>}
          {cart.lines.map((l) => (
            <CartLineRow key={l.key} line={l} dispatch={dispatch} editing={discountFor === l.key} onEditDiscount={setDiscountFor} />
          ))}
        </ol>
        <div className="ticket-discount-row">
          <button className="small secondary" data-testid="ticket-discount" disabled={cart.lines.length === 0} onClick={() => setEditTicketDiscount((v) => !v)}>
            {t('ticketDiscount')}
          </button>
          {ticketDiscountOf(cart) > 0 && (
            <span data-testid="ticket-discount-amount" data-cents={ticketDiscountOf(cart)}>
              −{formatEuros(ticketDiscountOf(cart), lang)}
              {cart.ticketDiscount && 'percentBp' in cart.ticketDiscount && ` (${formatRate(cart.ticketDiscount.percentBp, lang)})`}
            </span>
          )}
        </div>
        {editTicketDiscount && (
          <DiscountEditor
            testId="ticket-discount"
            initial=""
            onDone={(d) => {
              dispatch({ type: 'ticketDiscount', discount: d });
              setEditTicketDiscount(false);
            }}
          />
        )}
        <div className="cart-total">
          <span>{t('total')}</span>
          <strong data-testid="cart-total" data-cents={total}>
            {formatEuros(total, lang)}
          </strong>
        </div>
        <div className="cart-actions">
          <button className="secondary" data-testid="hold-sale" disabled={cart.lines.length === 0} onClick={() => void hold()}>
            {t('hold')}
          </button>
          <button className="secondary" data-testid="show-held" onClick={props.onShowHeld}>
            {t('heldTitle')}
          </button>
          <button className="secondary" data-testid="cart-clear" disabled={cart.lines.length === 0} onClick={() => dispatch({ type: 'clear' })}>
            {t('clearCart')}
          </button>
          <button className="secondary" data-testid="sell-gift-card" onClick={props.onSellGiftCard}>
            {t('gift_card')}
          </button>
          <button className="primary big pay" data-testid="pay" disabled={cart.lines.length === 0} onClick={props.onPay}>
            {t('pay')} (F4)
          </button>
        </div>
      </aside>
    </div>
  );
}

/** "10 %" / "12,5%" → a percentage (basis points); "1,50" → an amount; "" or 0 → no discount. */
function parseDiscount(text: string): TicketDiscount | 'none' | null {
  const pct = /^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*$/.exec(text);
  if (pct) {
    const bp = Math.round(Number(pct[1]!.replace(',', '.')) * 100);
    return bp === 0 ? 'none' : bp <= 10000 ? { percentBp: bp } : null;
  }
  if (!text.trim()) return 'none';
  const cents = parseEuros(text);
  return cents === null ? null : cents === 0 ? 'none' : { amountCents: cents };
}

/** A discount typed as an amount (1,50) or a percentage (10 %): of a line, or of the whole ticket. */
function DiscountEditor(props: { initial: string; testId?: string; onDone: (discount: TicketDiscount | null) => void }) {
  const { t } = useScreen();
  const [text, setText] = useState(props.initial);
  const parsed = parseDiscount(text);
  const id = props.testId ?? 'discount';
  return (
    <form
      className="discount-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed !== null) props.onDone(parsed === 'none' ? null : parsed);
      }}
    >
      <input autoFocus data-testid={`${id}-input`} aria-label={t('discountHint')} inputMode="decimal" value={text} placeholder="0,00 € / 10 %" onChange={(e) => setText(e.target.value)} />
      <button className="small primary" data-testid={`${id}-apply`} disabled={parsed === null}>
        OK
      </button>
      <span className="hint">{t('discountHint')}</span>
    </form>
  );
}

/** The shelf's tiles: re-rendered only when the products shown change (not on every cart change). */
const ProductGrid = memo(function ProductGrid(props: { products: LocalProduct[]; shelf: string | null; empty: boolean; onAdd: (p: LocalProduct) => void }) {
  const { t, lang } = useScreen();
  return (
    <div className="grid" data-testid="product-grid" data-shelf={props.shelf ?? ''}>
      {props.empty && <p className="hint">{t('noResults')}</p>}
      {props.products.map((p) => (
        <button key={p.sku} className="tile" data-testid="product-tile" data-sku={p.sku} onClick={() => props.onAdd(p)}>
          <span className="tile-label">{p.label}</span>
          <span className="tile-price">{p.openPriceMaxCents !== null ? t('openPriceTile') : formatEuros(p.priceCents, lang)}</span>
          {p.stock !== null && <span className={p.stock <= 0 ? 'tile-stock low' : 'tile-stock'}>{t('stock')} {p.stock}</span>}
        </button>
      ))}
    </div>
  );
});

/** One cart line: re-rendered only when that line changes. */
const CartLineRow = memo(function CartLineRow(props: {
  line: CartLine;
  dispatch: Dispatch<CartAction>;
  editing: boolean;
  onEditDiscount: (key: number | null) => void;
}) {
  const { t, lang } = useScreen();
  const { line: l, dispatch } = props;
  return (
    <li className="cart-line" data-testid="cart-line" data-sku={l.sku} data-quantity={l.quantity}>
      <div className="line-head">
        <span className="line-label">{l.label}</span>
        <span className="line-total" data-testid="line-total">{formatEuros(lineTotal(l), lang)}</span>
      </div>
      <div className="line-controls">
        <button className="qty" data-testid="qty-minus" aria-label={t('qtyLess', { label: l.label })} onClick={() => dispatch({ type: 'quantity', key: l.key, quantity: l.quantity - 1 })}>
          −
        </button>
        <input
          className="qty-input"
          data-testid="qty-input"
          aria-label={t('qtyOf', { label: l.label })}
          inputMode="numeric"
          value={l.quantity}
          onChange={(e) => {
            const q = Number(e.target.value.replace(/\D/g, ''));
            if (q >= 1) dispatch({ type: 'quantity', key: l.key, quantity: q });
          }}
        />
        <button className="qty" data-testid="qty-plus" aria-label={t('qtyMore', { label: l.label })} onClick={() => dispatch({ type: 'quantity', key: l.key, quantity: l.quantity + 1 })}>
          +
        </button>
        <span className="unit">× {formatEuros(l.unitPriceCents, lang)}</span>
        <button className="small secondary" data-testid="line-discount" aria-label={`${t('discount')} : ${l.label}`} onClick={() => props.onEditDiscount(props.editing ? null : l.key)}>
          {t('discount')}
        </button>
        <button className="small danger" data-testid="line-remove" aria-label={`${t('remove')} : ${l.label}`} onClick={() => dispatch({ type: 'remove', key: l.key })}>
          ✕
        </button>
      </div>
      {l.discountCents > 0 && (
        <div className="line-discount" data-testid="line-discount-amount">
          {t('discount')} −{formatEuros(l.discountCents, lang)}
        </div>
      )}
      {props.editing && (
        <DiscountEditor
          initial={l.discountCents ? formatDecimalEuros(l.discountCents) : ''}
          onDone={(d) => {
            // A percentage of the line's gross, rounded half up (the same rule as a ticket's).
            const cents = d === null ? 0 : ticketDiscountCents(l.unitPriceCents * l.quantity, d);
            dispatch({ type: 'discount', key: l.key, discountCents: cents });
            props.onEditDiscount(null);
          }}
        />
      )}
    </li>
  );
});
