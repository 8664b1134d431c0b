import { useEffect, useMemo, useState } from 'react';
import type { LoginResponse, Role } from '@comptoir/protocol';
import { endSession, onSessionLost, setToken } from './api.client';
import type { Lang } from './format';
import { I18n, translatorFor } from './i18n';
import { Link, navigate } from './ui/common';
import { OutageWatch } from './ui/outage-banner';
import { StoreClockProvider } from './ui/store-clock';
import { LoginScreen } from './screens/login.screen';
import { FleetScreen } from './screens/fleet.screen';
import { DocumentsScreen } from './screens/documents.screen';
import { DocumentDetailScreen } from './screens/document-detail.screen';
import { CustomersScreen, CustomerScreen } from './screens/customers.screen';
import { CatalogScreen } from './screens/catalog.screen';
import { StockScreen } from './screens/stock.screen';
import { InventoryScreen } from './screens/inventory.screen';
import { UsersScreen } from './screens/users.screen';
import { DashboardScreen } from './screens/dashboard.screen';
import { ReviewScreen } from './screens/review.screen';
import { ClosuresScreen } from './screens/closures.screen';
import { AccountingScreen } from './screens/accounting.screen';
import { EventsScreen } from './screens/events.screen';
import { StoresScreen } from './screens/stores.screen';

interface Session {
  token: string;
  role: Role;
  username: string;
}
const SESSION_KEY = 'comptoir.backoffice.session';
const LANG_KEY = 'comptoir.backoffice.lang';

function loadSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    if (s) setToken(s.token);
    return s;
  } catch {
    return null;
  }
}

function usePath(): string {
  const [path, setPath] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const on = () => setPath(window.location.pathname + window.location.search);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return path;
}

/** Phases: session (login) → shell (nav) → the screen of the current path. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'fr'));
  const path = usePath();
  const i18n = useMemo(() => ({ lang, t: translatorFor(lang) }), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);
  useEffect(() => onSessionLost(() => logout()), []);

  function logout() {
    setToken(null);
    sessionStorage.removeItem(SESSION_KEY);
    setSession(null);
  }
  async function signOut() {
    await endSession();
    logout();
  }
  function loggedIn(res: LoginResponse, username: string) {
    const s = { token: res.token, role: res.role, username };
    setToken(s.token);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    setSession(s);
    if (window.location.pathname === '/' || window.location.pathname === '/login') navigate('/dashboard');
  }

  const langSwitch = (
    <select className="lang" aria-label="langue / language" data-testid="lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
      <option value="fr">Français</option>
      <option value="en">English</option>
    </select>
  );

  if (!session) {
    return (
      <I18n.Provider value={i18n}>
        <LoginScreen onLoggedIn={loggedIn} langSwitch={langSwitch} />
      </I18n.Provider>
    );
  }
  const t = i18n.t;
  const [pathname, search] = path.split('?') as [string, string | undefined];
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search ?? '');
  const nav: [string, string][] = [
    ['dashboard', t('nav.dashboard')],
    ['fleet', t('nav.fleet')],
    ['documents', t('nav.documents')],
    ['review', t('nav.review')],
    ['closures', t('nav.closures')],
    ['journal', t('nav.journal')],
    ['accounting', t('nav.accounting')],
    ['catalog', t('nav.catalog')],
    ['stock', t('nav.stock')],
    ['inventory', t('nav.inventory')],
    ['customers', t('nav.customers')],
    ...(session.role === 'admin' ? ([['stores', t('nav.stores')], ['users', t('nav.users')]] as [string, string][]) : []),
  ];
  let screen;
  switch (parts[0] ?? 'dashboard') {
    case 'fleet':
      screen = <FleetScreen isAdmin={session.role === 'admin'} />;
      break;
    case 'documents':
      screen = parts[2] ? <DocumentDetailScreen registerId={parts[1]!} number={Number(parts[2])} /> : <DocumentsScreen initial={params} />;
      break;
    case 'customers':
      screen = parts[1] ? <CustomerScreen id={parts[1]} /> : <CustomersScreen />;
      break;
    case 'catalog':
      screen = <CatalogScreen />;
      break;
    case 'stock':
      screen = <StockScreen />;
      break;
    case 'inventory':
      screen = <InventoryScreen />;
      break;
    case 'users':
      screen = <UsersScreen isAdmin={session.role === 'admin'} myName={session.username} />;
      break;
    case 'stores':
      // Admin only, as POST/PATCH /api/stores on central: a manager has no such screen.
      screen = session.role === 'admin' ? <StoresScreen /> : <DashboardScreen />;
      break;
    case 'review':
      screen = <ReviewScreen />;
      break;
    case 'closures':
      screen = <ClosuresScreen />;
      break;
    case 'journal':
      screen = <EventsScreen />;
      break;
    case 'accounting':
      screen = <AccountingScreen />;
      break;
    default:
      screen = <DashboardScreen />;
  }
  return (
    <I18n.Provider value={i18n}>
      <div className="shell">
        <nav className="side">
          <div className="brand">Comptoir</div>
          {nav.map(([id, label]) => (
            <div key={id} className={parts[0] === id || (!parts[0] && id === 'dashboard') ? 'nav-item active' : 'nav-item'}>
              <Link to={`/${id}`} testId={`nav-${id}`}>
                {label}
              </Link>
            </div>
          ))}
          <div className="side-foot">
            <div className="who" data-testid="who">
              {session.username} · {t(`role.${session.role}`)}
            </div>
            {langSwitch}
            <button data-testid="logout" onClick={() => void signOut()}>
              {t('logout')}
            </button>
          </div>
        </nav>
        <main className="main">
          <StoreClockProvider>
            <OutageWatch>{screen}</OutageWatch>
          </StoreClockProvider>
        </main>
      </div>
    </I18n.Provider>
  );
}
