import { useState, type ReactNode } from 'react';
import type { LoginResponse } from '@comptoir/protocol';
import { api } from '../api.client';
import { useI18n } from '../i18n';
import { ErrorLine, errorText } from '../ui/common';

export function LoginScreen({ onLoggedIn, langSwitch }: { onLoggedIn(res: LoginResponse, username: string): void; langSwitch: ReactNode }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="login-page">
      <form
        className="login card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const res = await api<LoginResponse>('POST', '/api/auth/login', { username, password });
            if (res.role === 'cashier') setError(t('loginFailed'));
            else onLoggedIn(res, username);
          } catch (err) {
            setError(errorText(t, err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>{t('appName')}</h1>
        <label>
          {t('username')}
          <input data-testid="username" autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t('password')}
          <input data-testid="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" data-testid="login" disabled={busy}>
          {t('login')}
        </button>
        <ErrorLine error={error} />
        <div className="login-foot">{langSwitch}</div>
      </form>
    </div>
  );
}
