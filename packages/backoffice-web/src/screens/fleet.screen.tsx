import { Fragment, useRef, useState } from 'react';
import type { FleetResponse, FleetView, Store } from '@comptoir/protocol';
import { api } from '../api.client';
import { cronPreview } from '../cron-preview';
import { fromCron, toCron, WEEK, type SimpleSchedule } from '../copy-schedule';
import { duration } from '../format';
import { useI18n, type T } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Section, TIME_FIELD, useLoad } from '../ui/common';
import { PendingCount } from '../ui/outage-banner';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

/** Live fleet: polled every second (the registers' heartbeat period). */
const POLL_MS = 1000;

type OutageItem = { registerId: string; name: string; status: 'ok' | 'failed' | 'unreachable'; checksum?: string; reason?: string; counts?: Record<string, number>; durationMs?: number };

export function FleetScreen({ isAdmin }: { isAdmin: boolean }) {
  const { t, lang } = useI18n();
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), [], POLL_MS);
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), []);
  const [outage, setOutage] = useState<Record<string, { busy: boolean; items?: OutageItem[]; error?: string }>>({});

  async function prepare(storeId: string) {
    setOutage((o) => ({ ...o, [storeId]: { busy: true } }));
    try {
      const res = await api<{ items: OutageItem[] }>('POST', `/api/stores/${encodeURIComponent(storeId)}/prepare-outage`);
      setOutage((o) => ({ ...o, [storeId]: { busy: false, items: res.items } }));
    } catch (e) {
      setOutage((o) => ({ ...o, [storeId]: { busy: false, error: errorText(t, e) } }));
    }
    void fleet.reload();
  }

  const byStore = new Map<string, FleetView[]>();
  for (const r of fleet.data?.items ?? []) byStore.set(r.storeId, [...(byStore.get(r.storeId) ?? []), r]);
  const storeName = (id: string) => stores.data?.items.find((s) => s.id === id)?.name ?? id;

  return (
    <div>
      <h1>{t('fleet.title')}</h1>
      <ErrorLine error={fleet.error} />
      {fleet.data?.mixedVersions && (
        <div className="notice warn" data-testid="fleet-mixed-versions">
          <strong>{t('fleet.mixedVersions')}</strong>{' '}
          {(fleet.data.versions ?? []).map((v) => `${v.softwareVersion ?? t('fleet.unknownVersion')} (${t('fleet.protocol')} ${v.protocolVersion}) × ${v.registers}`).join(' · ')}
        </div>
      )}
      {[...byStore].map(([storeId, regs]) => (
        <Section
          key={storeId}
          title={storeName(storeId)}
          actions={
            <button data-testid={`prepare-outage-${storeId}`} disabled={outage[storeId]?.busy} title={t('fleet.prepareHelp')} onClick={() => void prepare(storeId)}>
              {outage[storeId]?.busy ? t('loading') : t('fleet.prepare')}
            </button>
          }
        >
          {outage[storeId]?.error && <ErrorLine error={outage[storeId]!.error} />}
          {outage[storeId]?.items && (
            <div className="notice" data-testid={`prepare-outage-result-${storeId}`}>
              <strong>{t('fleet.results')}</strong>
              <ul>
                {outage[storeId]!.items!.map((i) => (
                  <li key={i.registerId} data-status={i.status}>
                    {i.name} : {i.status === 'ok' ? `✓ ${i.checksum?.slice(0, 12)}… (${duration(i.durationMs, lang)})` : `✗ ${t(`fleet.outcome.${i.status}`)}${lang === 'en' && i.reason ? ` — ${i.reason}` : ''}`}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <TableScroll label={t('fleet.tableOf', { store: storeName(storeId) })}>
          <table className="grid" data-testid={`fleet-${storeId}`}>
            <thead>
              <tr>
                <th>{t('fleet.register')}</th>
                <th>{t('fleet.mode')}</th>
                <th>{t('fleet.lastSeen')}</th>
                <th>{t('fleet.waiting')}</th>
                <th>{t('fleet.lastCopy')}</th>
                <th>{t('fleet.tamper')}</th>
                <th>{t('fleet.version')}</th>
                <th>{t('fleet.schedule')}</th>
                <th className="actions">
                  <span className="sr-only">{t('fleet.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {regs.map((r) => (
                <FleetRow key={r.id} r={r} isAdmin={isAdmin} demo={fleet.data?.demo ?? false} current={fleet.data?.central?.protocolVersion ?? null} onChanged={() => void fleet.reload()} />
              ))}
            </tbody>
          </table>
          </TableScroll>
        </Section>
      ))}
    </div>
  );
}

type Confirm = 'revoke' | 'enrol';

function FleetRow({ r, isAdmin, demo, current, onChanged }: { r: FleetView; isAdmin: boolean; demo: boolean; current: number | null; onChanged(): void }) {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  // The confirmation, once closed (answered, cancelled or Escape), gives the focus back to the row's menu button.
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeConfirm = () => {
    setConfirm(null);
    requestAnimationFrame(() => menuButton.current?.focus());
  };
  const [enrol, setEnrol] = useState<{ code: string; expiresAt: string } | null>(null);
  const revoked = Boolean(r.revokedAt);
  const idPath = encodeURIComponent(r.id);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mode = r.shownMode ?? 'unknown';

  async function act(fn: () => Promise<unknown>, ok: string) {
    setError(null);
    try {
      await fn();
      setMessage(ok);
      onChanged();
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  return (
    <Fragment>
      <tr data-testid={`fleet-row-${r.id}`} data-mode={mode} data-online={String(!r.silent && r.online)} data-link={r.linkUp === null ? 'none' : String(r.linkUp)} className={`mode-${mode}`}>
        <td>
          <strong>{r.name}</strong>
          {r.linkUp === false && <div className="badge warn">{t('fleet.linkDown')}</div>}
          {revoked && (
            <div className="badge danger" data-testid={`fleet-revoked-${r.id}`} title={clock.dateTime(r.revokedAt, r)}>
              {t('fleet.revoked')}
            </div>
          )}
          {/* An action's outcome under the register's name: the pinned actions column stays one button wide. */}
          {message && <div className="ok small" role="status">{message}</div>}
          <ErrorLine error={error} />
        </td>
        <td>
          <span className={`badge mode ${mode}`} data-testid={`fleet-mode-${r.id}`}>
            {t(`mode.${mode}`)}
          </span>
          {r.silent && (
            <div className="muted small" title={t('fleet.inferred')}>
              {t('fleet.silent')} {duration(r.silentForMs, lang)}
            </div>
          )}
        </td>
        <td>{clock.dateTime(r.lastSeenAt, r)}</td>
        <td data-testid={`fleet-pending-${r.id}`} className={r.pendingRecords > 0 || (r.pendingCustomers ?? 0) > 0 ? 'num warn-text' : 'num'}>
          <PendingCount r={r} />
        </td>
        <td>
          {r.lastSosCopyAt ? (
            <>
              <div>
                {clock.dateTime(r.lastSosCopyAt, r)}{r.lastSosCopyKind ? ` · ${t(`copyKind.${r.lastSosCopyKind}`)}` : ''}
              </div>
              <div className="muted small mono" title={r.sosChecksum ?? ''}>
                {r.sosChecksum?.slice(0, 8)}…
              </div>
              {r.copyStale && <span className="badge warn">{t('fleet.staleCopy')} ({duration(r.copyAgeMs, lang)})</span>}
            </>
          ) : (
            <span className="badge warn">{t('fleet.noCopy')}</span>
          )}
        </td>
        <td className={r.tamperAlerts > 0 ? 'num danger-text' : 'num'} data-testid={`fleet-tamper-${r.id}`}>
          {r.tamperAlerts}
        </td>
        <td data-testid={`fleet-version-${r.id}`} data-protocol={r.protocolVersion ?? ''}>
          {r.protocolVersion != null && (
            <>
              <div className="mono">{r.softwareVersion ?? t('fleet.unknownVersion')}</div>
              <div className={current !== null && r.protocolVersion < current ? 'badge warn' : 'muted small'}>
                {t('fleet.protocol')} {r.protocolVersion}
              </div>
            </>
          )}
        </td>
        <td>
          <ul className="plain small" data-testid={`schedule-current-${r.id}`}>
            {r.sosSchedule.map((c) => (
              <li key={c} title={c}>
                {cronPreview(c, lang) ?? c}
              </li>
            ))}
          </ul>
          <button className="link" data-testid={`schedule-edit-${r.id}`} onClick={() => setEditing(!editing)}>
            {t('fleet.edit')}
          </button>
        </td>
        <td className="actions">
          <RowMenu label={t('fleet.actionsOf', { register: r.name })} testId={`row-menu-${r.id}`} triggerRef={menuButton}>
            <RowAction testId={`copy-now-${r.id}`} onSelect={() => void act(() => api('POST', `/api/registers/${idPath}/copy-now`), t('fleet.copyRequested'))}>
              {t('fleet.copyNow')}
            </RowAction>
            {demo && r.linkUp !== null && (
              <RowAction testId={`link-toggle-${r.id}`} danger={r.linkUp} onSelect={() => void act(() => api('POST', `/api/demo/links/${idPath}`, { up: !r.linkUp }), t('saved'))}>
                {r.linkUp ? t('fleet.cut') : t('fleet.restore')}
              </RowAction>
            )}
            {isAdmin && (
              <RowAction testId={`enrol-code-${r.id}`} onSelect={() => setConfirm('enrol')}>
                {t('fleet.enrolCode')}
              </RowAction>
            )}
            {isAdmin && !revoked && (
              <RowAction testId={`revoke-${r.id}`} danger onSelect={() => setConfirm('revoke')}>
                {t('fleet.revoke')}
              </RowAction>
            )}
          </RowMenu>
        </td>
      </tr>
      {confirm && (
        <tr className="editor-row">
          <td colSpan={9}>
            <div
              className="confirm"
              role="alertdialog"
              aria-labelledby={`confirm-${r.id}`}
              data-testid={`confirm-${r.id}`}
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                e.stopPropagation();
                closeConfirm();
              }}
            >
              <p id={`confirm-${r.id}`}>
                <strong>{confirm === 'revoke' ? t('fleet.revokeConfirm', { register: r.name }) : t('fleet.enrolConfirm', { register: r.name })}</strong>
                <br />
                <span className="small">{confirm === 'revoke' ? t('fleet.revokeHelp') : t('fleet.enrolHelp')}</span>
              </p>
              <button
                className={confirm === 'revoke' ? 'danger' : ''}
                data-testid={`confirm-yes-${r.id}`}
                autoFocus
                onClick={() => {
                  const what = confirm;
                  closeConfirm();
                  void act(async () => {
                    if (what === 'revoke') await api('POST', `/api/registers/${idPath}/revoke`);
                    else {
                      const res = await api<{ enrolCode: string; enrolCodeExpiresAt: string }>('POST', `/api/registers/${idPath}/enrol-code`);
                      setEnrol({ code: res.enrolCode, expiresAt: res.enrolCodeExpiresAt });
                    }
                  }, what === 'revoke' ? t('fleet.revokedDone') : t('fleet.enrolDone'));
                }}
              >
                {confirm === 'revoke' ? t('fleet.revoke') : t('fleet.enrolCode')}
              </button>
              <button data-testid={`confirm-no-${r.id}`} onClick={closeConfirm}>
                {t('fleet.cancel')}
              </button>
            </div>
          </td>
        </tr>
      )}
      {enrol && (
        <tr className="editor-row">
          <td colSpan={9}>
            <div className="notice" data-testid={`enrol-result-${r.id}`}>
              {t('fleet.enrolCodeIs', { register: r.name })} <strong className="mono" data-testid={`enrol-value-${r.id}`}>{enrol.code}</strong>{' '}
              <span className="small">{t('fleet.enrolExpires', { at: clock.dateTime(enrol.expiresAt, r) })}</span>
              <div className="small mono">comptoir register --central … --enrol {enrol.code}</div>
              <button onClick={() => setEnrol(null)}>{t('fleet.close')}</button>
            </div>
          </td>
        </tr>
      )}
      {editing && (
        <tr className="editor-row">
          <td colSpan={9}>
            <ScheduleEditor
              r={r}
              onDone={(saved) => {
                setEditing(false);
                if (saved) {
                  setMessage(t('fleet.saved'));
                  onChanged();
                }
              }}
            />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/**
 * The copy schedule editor: times of day and days of the week (the owner's words), or the cron
 * expressions themselves ("advanced", also for a schedule the simple form cannot show).
 */
function ScheduleEditor({ r, onDone }: { r: FleetView; onDone(saved: boolean): void }) {
  const { t, lang } = useI18n();
  const simpleAtStart = fromCron(r.sosSchedule);
  const [advanced, setAdvanced] = useState(simpleAtStart === null);
  const [simple, setSimple] = useState<SimpleSchedule>(simpleAtStart ?? { times: ['06:00'], days: [...WEEK] });
  const [text, setText] = useState(r.sosSchedule.join('\n'));
  const [error, setError] = useState<string | null>(null);
  const lines = advanced ? text.split('\n').map((l) => l.trim()).filter(Boolean) : toCron(simple);
  const id = r.id;
  const setTime = (i: number, v: string) => setSimple({ ...simple, times: simple.times.map((x, j) => (j === i ? v : x)) });
  const toggleDay = (d: number) => setSimple({ ...simple, days: simple.days.includes(d) ? simple.days.filter((x) => x !== d) : [...simple.days, d] });
  return (
    <div className="schedule-editor">
      <div className="tabs" role="group" aria-label={t('fleet.schedule')}>
        <button className={advanced ? '' : 'active'} aria-pressed={!advanced} data-testid={`schedule-simple-${id}`} onClick={() => {
          const back = fromCron(lines);
          if (back) setSimple(back);
          setAdvanced(false);
        }} disabled={advanced && fromCron(lines) === null}>
          {t('fleet.simple')}
        </button>
        <button className={advanced ? 'active' : ''} aria-pressed={advanced} data-testid={`schedule-advanced-${id}`} onClick={() => {
          setText(lines.join('\n'));
          setAdvanced(true);
        }}>
          {t('fleet.advanced')}
        </button>
      </div>
      {advanced ? (
        <>
          <p className="muted small" id={`cron-help-${id}`}>{t('fleet.cronHelp')}</p>
          <textarea
            data-testid={`schedule-input-${id}`}
            aria-label={t('fleet.schedule')}
            aria-describedby={`cron-help-${id}`}
            rows={Math.max(3, lines.length + 1)}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </>
      ) : (
        <div className="simple-schedule">
          <fieldset>
            <legend>{t('fleet.times')}</legend>
            {simple.times.map((time, i) => (
              <div key={i} className="inline-form">
                <input {...TIME_FIELD} aria-label={t('fleet.timeN', { n: i + 1 })} data-testid={`schedule-time-${id}-${i}`} value={time} onChange={(e) => setTime(i, e.target.value)} />
                <button aria-label={t('fleet.removeTime', { time })} onClick={() => setSimple({ ...simple, times: simple.times.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              </div>
            ))}
            <button data-testid={`schedule-add-time-${id}`} onClick={() => setSimple({ ...simple, times: [...simple.times, '12:00'] })}>
              {t('fleet.addLine')}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t('fleet.days')}</legend>
            {WEEK.map((d) => (
              <label key={d} className="day">
                <input type="checkbox" data-testid={`schedule-day-${id}-${d}`} checked={simple.days.includes(d)} onChange={() => toggleDay(d)} /> {t(`day.${d}`)}
              </label>
            ))}
          </fieldset>
        </div>
      )}
      <ul className="plain" data-testid={`schedule-preview-${id}`}>
        {lines.map((l, i) => {
          const p = cronPreview(l, lang);
          return (
            <li key={i} className={p ? '' : 'danger-text'}>
              {p ?? t('fleet.invalidCron')} {advanced && <code className="muted">{l}</code>}
            </li>
          );
        })}
      </ul>
      <button
        data-testid={`schedule-save-${id}`}
        onClick={async () => {
          try {
            await api('PUT', `/api/registers/${encodeURIComponent(id)}/sos-schedule`, { cron: lines });
            onDone(true);
          } catch (e) {
            setError(scheduleErrorText(t, e));
          }
        }}
      >
        {t('fleet.save')}
      </button>
      <button onClick={() => onDone(false)}>{t('fleet.cancel')}</button>
      <ErrorLine error={error} />
    </div>
  );
}

/** A refused schedule names each expression: unreadable, or firing more often than central's floor. */
function scheduleErrorText(t: T, e: unknown): string {
  const details = (e as { details?: { invalid?: unknown; minIntervalSeconds?: unknown } }).details;
  if (!Array.isArray(details?.invalid)) return errorText(t, e);
  const min = typeof details.minIntervalSeconds === 'number' ? Math.round(details.minIntervalSeconds / 60) : '?';
  return (details.invalid as { expression: string; reason: string }[])
    .map((i) => (/^fires every/.test(i.reason) ? t('fleet.tooOften', { expression: i.expression, min }) : t('fleet.cronUnreadable', { expression: i.expression })))
    .join(' ; ');
}
