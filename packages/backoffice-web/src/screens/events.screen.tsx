import { useState } from 'react';
import { EVENT_CODES, type EventType, type FleetResponse, type JournalEventsResponse, type RegisterKeysResponse } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { useI18n, type MessageKey, type T } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { dayStartIn } from '../format';
import { DayInput, ErrorLine, Section, useLoad } from '../ui/common';
import { TableScroll } from '../ui/row-menu';

const LIMIT = 500;

/**
 * A calendar day (ISO, from DayInput) as the instant its midnight starts on the store's clock (of the
 * register chosen, or the zone all the user's stores share; else the browser's), `days` later.
 */
function dayStart(day: string, zone: string | undefined, days = 0): string | undefined {
  return day ? dayStartIn(day, zone, days) : undefined;
}

function eventName(t: T, event: string): string {
  const key = `event.${event}`;
  return t.has(key) ? t(key as MessageKey) : event;
}

/**
 * The technical event journal (JET, NF525) of the registers, as central holds it: filter by
 * register, event code and days; with a register chosen, its signing keys, whose key id is what
 * `comptoir verify --archive FILE --key-id HEX` needs to authenticate that register's archives.
 */
export function EventsScreen() {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const [registerId, setRegisterId] = useState('');
  const [code, setCode] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), []);
  const zone = clock.zoneOf({ registerId: registerId || undefined });
  const query = { registerId: registerId || undefined, code: code || undefined, from: dayStart(from, zone), to: dayStart(to, zone, 1), limit: LIMIT };
  const list = useLoad(() => api<JournalEventsResponse>('GET', `/api/events${qs(query)}`), [registerId, code, from, to, zone], 10_000);
  const nameOf = (id: string) => fleet.data?.items.find((r) => r.id === id)?.name ?? id;
  const codes = (Object.entries(EVENT_CODES) as [EventType, number][]).sort((a, b) => a[1] - b[1]);

  return (
    <div>
      <h1>{t('events.title')}</h1>
      <p className="muted small">{t('events.help')}</p>
      <div className="filters">
        <label>
          {t('events.register')}
          <select data-testid="events-register" value={registerId} onChange={(e) => setRegisterId(e.target.value)}>
            <option value="">{t('events.allRegisters')}</option>
            {fleet.data?.items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('events.code')}
          <select data-testid="events-code" value={code} onChange={(e) => setCode(e.target.value)}>
            <option value="">{t('events.allCodes')}</option>
            {codes.map(([event, c]) => (
              <option key={event} value={c}>
                {c} — {eventName(t, event)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('events.from')}
          <DayInput testId="events-from" label={t('events.from')} value={from} onChange={setFrom} />
        </label>
        <label>
          {t('events.to')}
          <DayInput testId="events-to" label={t('events.to')} value={to} onChange={setTo} />
        </label>
      </div>
      {registerId && <RegisterKeys registerId={registerId} name={nameOf(registerId)} />}
      <ErrorLine error={list.error} />
      <Section title={t('events.journal')}>
        {list.data?.items.length === 0 && <p className="muted">{t('events.empty')}</p>}
        {list.data?.items.length === LIMIT && <p className="muted small">{t('events.limited', { n: LIMIT })}</p>}
        <TableScroll label={t('events.journal')}>
          <table className="grid" data-testid="events">
            <thead>
              <tr>
                <th>{t('events.register')}</th>
                <th className="num">{t('events.number')}</th>
                <th>{t('events.recordedAt')}</th>
                <th className="num">{t('events.code')}</th>
                <th>{t('events.event')}</th>
                <th>{t('events.details')}</th>
                <th>{t('events.integratedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((e) => (
                <tr key={`${e.registerId}-${e.number}`} data-testid={`event-${e.registerId}-${e.number}`} data-code={e.code}>
                  <td>{nameOf(e.registerId)}</td>
                  <td className="num">{e.number}</td>
                  <td>{clock.dateTime(e.recordedAt, e)}</td>
                  <td className="num mono">{e.code}</td>
                  <td>{eventName(t, e.event)}</td>
                  <td className="small mono">
                    {Object.entries(e.details)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(' · ')}
                  </td>
                  <td>{clock.dateTime(e.integratedAt, e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Section>
    </div>
  );
}

/** Every key the register ever signed with (append-only at central), newest last. */
function RegisterKeys({ registerId, name }: { registerId: string; name: string }) {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const keys = useLoad(() => api<RegisterKeysResponse>('GET', `/api/registers/${encodeURIComponent(registerId)}/keys`), [registerId]);
  return (
    <Section title={t('events.keysOf', { register: name })}>
      <p className="muted small">{t('events.keysHelp')}</p>
      <ErrorLine error={keys.error} />
      {keys.data?.items.length === 0 && <p className="muted">{t('events.noKey')}</p>}
      <TableScroll label={t('events.keysOf', { register: name })}>
        <table className="grid" data-testid="register-keys">
          <thead>
            <tr>
              <th>{t('events.keyId')}</th>
              <th>{t('events.validFrom')}</th>
              <th>{t('events.validTo')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.items.map((k) => (
              <tr key={k.keyId} data-testid={`register-key-${k.keyId}`}>
                <td>
                  <code className="key-id" data-testid="key-id">
                    {k.keyId}
                  </code>
                  <div className="small muted mono">comptoir verify --archive … --key-id {k.keyId}</div>
                </td>
                <td>{clock.dateTime(k.validFrom, { registerId })}</td>
                <td>{k.validTo ? clock.dateTime(k.validTo, { registerId }) : t('events.current')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </Section>
  );
}
