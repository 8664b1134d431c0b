import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { LocalProduct, Receipt, RegisterStatus, SaleResponse } from '@comptoir/protocol';
import { api, onSessionLost, setToken } from './api.client';
import { ApprovalProvider } from './approval.dialog';
import { cartReducer, loadCart, saveCart } from './cart.state';
import { ConnectionBanner } from './connection.banner';
import { CustomersScreen } from './customers.screen';
import { NewCustomerDialog } from './new-customer.dialog';
import { DialogScanGuard } from './dialog-scan.guard';
import { DuplicateModal } from './duplicate.modal';
import { GiftCardSaleDialog } from './gift-card-sale.dialog';
import { savedLang, translator, type Lang } from './i18n.messages';
import { HeldSalesDialog } from './held-sales.dialog';
import { dialogOpen } from './keyboard.dialog';
import { LoginScreen } from './login.screen';
import { PaymentPanel } from './payment.panel';
import { OpenPriceDialog } from './open-price.dialog';
import { ReportScreen } from './report.screen';
import { FloatPrompt } from './drawer.panel';
import { ReturnsScreen } from './returns.screen';
import { SaleScreen } from './sale.screen';
import { ScreenContext, type Session } from './screen.context';
import { TicketDoneModal } from './ticket-done.modal';

type Tab = 'sell' | 'returns' | 'customers' | 'report';
const SESSION_KEY = 'comptoir.session';
const STATUS_POLL_MS = 1000;

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/**
 * The cashier screen. Invariants: the banner is always on screen (even locked); every read and
 * write goes to the local register agent only, so the screen, a reload included, works the same
 * whether the central server answers or not; the sale in progress and the session survive a reload.
 */
export function App() {
  const [lang, setLang] = useState<Lang>(savedLang);
  const t = useMemo(() => translator(lang), [lang]);
  const [status, setStatus] = useState<RegisterStatus | null>(null);
  const [session, setSession] = useState<Session | null>(() => {
    const s = loadSession();
    setToken(s?.token ?? null);
    return s;
  });
  const [lastLogin, setLastLogin] = useState(() => localStorage.getItem('comptoir.lastLogin') ?? '');
  const [locked, setLocked] = useState(false);
  const [tab, setTab] = useState<Tab>('sell');
  const [cart, dispatch] = useReducer(cartReducer, undefined, loadCart);
  const [paying, setPaying] = useState(false);
  const [done, setDone] = useState<SaleResponse | null>(null);
  const [duplicate, setDuplicate] = useState<Receipt | null>(null);
  const [showHeld, setShowHeld] = useState(false);
  const [creatingCustomer, setCreatingCustomer] = useState(false);
  const [sellingCard, setSellingCard] = useState(false);
  const [pricing, setPricing] = useState<{ product: LocalProduct; quantity: number } | null>(null);
  // A receipt's reference scanned on the sale screen: the Returns tab opens with that ticket.
  const [scannedTicket, setScannedTicket] = useState<{ reference: string; at: number } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => saveCart(cart), [cart]);
  useEffect(() => {
    localStorage.setItem('comptoir.lang', lang);
    document.documentElement.lang = lang;
  }, [lang]);

  // Phase: status poll, every second, for as long as the screen is open (no token needed).
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    let last = '';
    // Only a changed status re-renders the screen (most polls answer the same thing).
    const tick = async () => {
      let next: RegisterStatus | null = null;
      try {
        next = await api.status();
      } catch {
        next = null;
      }
      const key = JSON.stringify(next);
      if (live && key !== last) {
        last = key;
        setStatus(next);
      }
      if (live) timer = setTimeout(tick, STATUS_POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => onSessionLost(() => endSession(true)), []);

  function endSession(lock: boolean) {
    setToken(null);
    sessionStorage.removeItem(SESSION_KEY);
    setSession(null);
    setLocked(lock);
    setPaying(false);
    setDuplicate(null);
  }

  async function lockScreen() {
    await api.logout().catch(() => {});
    endSession(true);
  }

  // Keyboard shortcuts for fast cashiers.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // An open dialog owns the keyboard (its own Enter and Escape): no shortcut reaches behind it.
      if (!session || dialogOpen()) return;
      const go = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (e.key === 'F2') go(() => (setTab('sell'), setTimeout(() => searchRef.current?.focus(), 0)));
      else if (e.key === 'F4') go(() => tab === 'sell' && cart.lines.length > 0 && !done && setPaying(true));
      else if (e.key === 'F6') go(() => setTab('customers'));
      else if (e.key === 'F7') go(() => setTab('returns'));
      else if (e.key === 'F9') go(() => void lockScreen());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function afterTicket(sale: SaleResponse) {
    setPaying(false);
    setDone(sale);
    if (sale.kind === 'sale') dispatch({ type: 'clear' });
  }

  // An open-price item waits for its price (OpenPriceDialog); the search gets the focus back after.
  const askPrice = useCallback((product: LocalProduct, quantity: number) => setPricing({ product, quantity }), []);
  function backToSearch() {
    setPricing(null);
    setTimeout(() => searchRef.current?.focus(), 0);
  }

  function closeDone() {
    setDone(null);
    setTab('sell');
    setTimeout(() => searchRef.current?.focus(), 0);
  }

  // While a dialog of the sale is open, everything behind it is inert: no focus, no click, no key.
  const behindDialog = paying || done !== null || duplicate !== null || showHeld || creatingCustomer || pricing !== null || sellingCard;
  const screen = useMemo(() => ({ lang, t, status, session }), [lang, t, status, session]);
  return (
    <ScreenContext.Provider value={screen}>
      <ApprovalProvider>
      <div className="app">
        <header className="topbar" inert={behindDialog}>
          <ConnectionBanner />
          {session && (
            <nav className="tabs">
              {(['sell', 'returns', 'customers', 'report'] as const).map((k) => (
                <button key={k} data-testid={`tab-${k}`} className={tab === k ? 'tab active' : 'tab'} onClick={() => (setScannedTicket(null), setTab(k))}>
                  {t(k === 'sell' ? 'sell' : k === 'returns' ? 'returns' : k === 'customers' ? 'customers' : 'report')}
                </button>
              ))}
            </nav>
          )}
          <div className="topbar-right">
            {session && <span className="cashier" data-testid="cashier-name">{session.displayName}</span>}
            <button className="small secondary" data-testid="lang-toggle" title={t('language')} onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')}>
              {lang === 'fr' ? 'EN' : 'FR'}
            </button>
            {session && (
              <button className="small secondary" data-testid="lock" onClick={() => void lockScreen()}>
                {t('lock')}
              </button>
            )}
          </div>
        </header>
        {session && (
          <div className="float-slot" inert={behindDialog}>
            <FloatPrompt key={session.token} />
          </div>
        )}
        <main inert={behindDialog}>
          {!session ? (
            <LoginScreen
              locked={locked}
              lastLogin={lastLogin}
              onSignedIn={(r, login) => {
                const s: Session = { token: r.token, cashierId: r.cashierId, displayName: r.displayName, login };
                sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
                localStorage.setItem('comptoir.lastLogin', login);
                setLastLogin(login);
                setToken(r.token);
                setSession(s);
                setLocked(false);
                setTimeout(() => searchRef.current?.focus(), 0);
              }}
            />
          ) : tab === 'sell' ? (
            <SaleScreen cart={cart} dispatch={dispatch} searchRef={searchRef} onPay={() => setPaying(true)} onPickCustomer={() => setTab('customers')} onShowHeld={() => setShowHeld(true)}
              onSellGiftCard={() => setSellingCard(true)}
              onOpenPrice={askPrice}
              onTicketReference={(reference) => {
                setScannedTicket({ reference, at: Date.now() });
                setTab('returns');
              }}
            />
          ) : tab === 'returns' ? (
            <ReturnsScreen key={scannedTicket?.at ?? 0} initialReference={scannedTicket?.reference} onDone={afterTicket} onDuplicate={setDuplicate} />
          ) : tab === 'customers' ? (
            <CustomersScreen
              onAttach={(c) => {
                dispatch({ type: 'customer', customer: c });
                setTab('sell');
              }}
              onNew={() => setCreatingCustomer(true)}
            />
          ) : (
            <ReportScreen />
          )}
        </main>
        {session && (
          <footer className="shortcuts" inert={behindDialog}>
            {t('shortcuts')}
          </footer>
        )}
        {session && paying && <PaymentPanel cart={cart} onDone={afterTicket} onCancel={() => setPaying(false)} />}
        {session && pricing && (
          <OpenPriceDialog
            product={pricing.product}
            quantity={pricing.quantity}
            onDone={(unitPriceCents) => {
              dispatch({ type: 'add', product: pricing.product, quantity: pricing.quantity, unitPriceCents });
              backToSearch();
            }}
            onCancel={backToSearch}
          />
        )}
        {session && sellingCard && (
          <GiftCardSaleDialog
            onDone={(sale) => {
              // A card's own ticket: the sale in progress (if any) stays in the cart.
              setSellingCard(false);
              setDone(sale);
            }}
            onCancel={() => {
              setSellingCard(false);
              setTimeout(() => searchRef.current?.focus(), 0);
            }}
          />
        )}
        {session && done && <TicketDoneModal sale={done} onClose={closeDone} />}
        {session && duplicate && <DuplicateModal receipt={duplicate} onClose={() => setDuplicate(null)} />}
        {session && showHeld && (
          <HeldSalesDialog
            canRecall={cart.lines.length === 0}
            onRecall={(h) => {
              dispatch({ type: 'restore', lines: h.lines, customer: h.customer });
              setShowHeld(false);
              setTimeout(() => searchRef.current?.focus(), 0);
            }}
            onClose={() => setShowHeld(false)}
          />
        )}
        {session && creatingCustomer && (
          <NewCustomerDialog
            onCreated={(c) => {
              // Created: attached to the sale in progress at once, back to selling.
              setCreatingCustomer(false);
              dispatch({ type: 'customer', customer: c });
              setTab('sell');
              setTimeout(() => searchRef.current?.focus(), 0);
            }}
            onClose={() => setCreatingCustomer(false)}
          />
        )}
        <DialogScanGuard />
      </div>
      </ApprovalProvider>
    </ScreenContext.Provider>
  );
}
