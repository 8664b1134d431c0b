import { useState } from 'react';
import type { Role, UserSummary } from '@comptoir/protocol';
import { api } from '../api.client';
import { useI18n } from '../i18n';
import { ErrorLine, errorText, Section, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

export function UsersScreen({ isAdmin, myName }: { isAdmin: boolean; myName: string }) {
  const { t } = useI18n();
  const list = useLoad(() => (isAdmin ? api<{ items: UserSummary[] }>('GET', '/api/users') : Promise.resolve({ items: [] })), [isAdmin]);
  const [f, setF] = useState({ username: '', displayName: '', role: 'cashier' as Role, password: '', pin: '' });
  const [error, setError] = useState<string | null>(null);
  if (!isAdmin) return <p>{t('users.adminOnly')}</p>;
  async function patch(id: string, body: Record<string, unknown>) {
    try {
      await api('PATCH', `/api/users/${encodeURIComponent(id)}`, body);
      setError(null);
      void list.reload();
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  return (
    <div>
      <h1>{t('users.title')}</h1>
      <Section title={t('users.newUser')}>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api('POST', '/api/users', {
                username: f.username,
                displayName: f.displayName,
                role: f.role,
                ...(f.password ? { password: f.password } : {}),
                ...(f.pin ? { pin: f.pin } : {}),
              });
              setF({ username: '', displayName: '', role: 'cashier', password: '', pin: '' });
              setError(null);
              void list.reload();
            } catch (err) {
              setError(errorText(t, err));
            }
          }}
        >
          <input aria-label={t('users.username')} autoComplete="off" placeholder={t('users.username')} value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} />
          <input aria-label={t('users.displayName')} placeholder={t('users.displayName')} value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} />
          <select aria-label={t('users.role')} value={f.role} onChange={(e) => setF({ ...f, role: e.target.value as Role })}>
            {(['cashier', 'manager', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
          <input type="password" autoComplete="new-password" aria-label={t('password')} placeholder={t('password')} value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} />
          <input type="password" autoComplete="new-password" inputMode="numeric" aria-label={t('users.pin')} placeholder={t('users.pin')} value={f.pin} onChange={(e) => setF({ ...f, pin: e.target.value })} />
          <button type="submit">{t('users.create')}</button>
        </form>
      </Section>
      <ErrorLine error={error ?? list.error} />
      <Section title={t('users.title')}>
      <TableScroll label={t('users.title')}>
      <table className="grid" data-testid="users">
        <thead><tr><th>{t('users.username')}</th><th>{t('users.displayName')}</th><th>{t('users.role')}</th><th>{t('users.hasPin')}</th><th>{t('users.active')}</th><th className="actions"><span className="sr-only">{t('fleet.actions')}</span></th></tr></thead>
        <tbody>
          {list.data?.items.map((u) => (
            <tr key={u.id} data-testid={`user-${u.username}`} className={u.active ? '' : 'muted'}>
              <td className="mono">{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                <select aria-label={t('users.roleOf', { name: u.username })} value={u.role} disabled={u.username === myName} onChange={(e) => void patch(u.id, { role: e.target.value })}>
                  {(['cashier', 'manager', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                </select>
              </td>
              <td>{u.hasPin ? '✓' : '—'}</td>
              <td>{u.active ? '✓' : '—'}</td>
              <td className="actions">
                <RowMenu label={t('row.actionsOf', { name: u.username })} testId={`row-menu-user-${u.username}`}>
                  <RowAction testId={`user-pin-${u.username}`} onSelect={() => { const pin = window.prompt(t('users.newPin')); if (pin) void patch(u.id, { pin }); }}>{t('users.newPin')}</RowAction>
                  <RowAction testId={`user-password-${u.username}`} onSelect={() => { const password = window.prompt(t('users.newPassword')); if (password) void patch(u.id, { password }); }}>{t('users.newPassword')}</RowAction>
                  {u.username !== myName && <RowAction testId={`user-active-${u.username}`} onSelect={() => void patch(u.id, { active: !u.active })}>{u.active ? t('users.deactivate') : t('users.activate')}</RowAction>}
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
