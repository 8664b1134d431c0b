import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CashierLoginResponse } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { useScreen } from './screen.context';

/**
 * Sign-in and lock screen: login + PIN (PIN pad for touch, digits and Enter for keyboards).
 * Works offline: the register checks the PIN against the hashes of its SOS copy.
 */
export function LoginScreen(props: { locked: boolean; lastLogin: string; onSignedIn: (r: CashierLoginResponse, login: string) => void }) {
  const { t } = useScreen();
  const [login, setLogin] = useState(props.lastLogin);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);
  const loginRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (props.lastLogin ? pinRef : loginRef).current?.focus();
  }, [props.lastLogin]);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy || !login || pin.length < 4) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(login.trim(), pin);
      props.onSignedIn(r, login.trim());
    } catch (err) {
      setError(errorText(t, err));
      setPin('');
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const press = (d: string) => {
    setPin((p) => (p.length < 8 ? p + d : p));
    pinRef.current?.focus();
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>{props.locked ? t('locked') : t('welcome')}</h1>
        <label>
          {t('login')}
          <input
            ref={loginRef}
            data-testid="login-input"
            value={login}
            autoComplete="username"
            autoCapitalize="none"
            onChange={(e) => setLogin(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                pinRef.current?.focus();
              }
            }}
          />
        </label>
        <label>
          {t('pin')}
          <input
            ref={pinRef}
            data-testid="pin-input"
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            value={pin}
            maxLength={8}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          />
        </label>
        <div className="pin-pad">
          {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
            <button type="button" key={d} data-testid={`pin-key-${d}`} onClick={() => press(d)}>
              {d}
            </button>
          ))}
          <button type="button" className="secondary" onClick={() => setPin('')}>
            {t('erase')}
          </button>
          <button type="button" data-testid="pin-key-0" onClick={() => press('0')}>
            0
          </button>
          <button type="submit" className="primary" data-testid="login-submit" disabled={busy || !login || pin.length < 4}>
            OK
          </button>
        </div>
        {error && (
          <p className="error" data-testid="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy || !login || pin.length < 4}>
          {props.locked ? t('unlock') : t('signIn')}
        </button>
      </form>
    </div>
  );
}
