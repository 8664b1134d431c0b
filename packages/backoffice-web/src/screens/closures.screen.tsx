import { useState } from 'react';
import type { CentralClosure, FleetResponse } from '@comptoir/protocol';
import { api, qs } from '../api.client';
import { dateTime, money, percentBp } from '../format';
import { useI18n } from '../i18n';
import { ErrorLine, useLoad } from '../ui/common';

/** The daily closures (Z) the registers signed and pushed: what the accountant checks each day. */
export function ClosuresScreen() {
  const { t, lang } = useI18n();
  const [registerId, setRegisterId] = useState('');
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), []);
  const list = useLoad(() => api<{ items: CentralClosure[] }>('GET', `/api/closures${qs({ registerId: registerId || undefined, limit: 200 })}`), [registerId], 10_000);
  const nameOf = (id: string) => fleet.data?.items.find((r) => r.id === id)?.name ?? id;
  return (
    <div>
      <h1>{t.closures.title}</h1>
      <div className="filters">
        <select data-testid="closures-register" value={registerId} onChange={(e) => setRegisterId(e.target.value)}>
          <option value="">{t.closures.all}</option>
          {fleet.data?.items.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <p className="muted">{t.closures.empty}</p>}
      <table className="grid" data-testid="closures">
        <thead>
          <tr>
            <th>{t.closures.register}</th>
            <th>{t.closures.number}</th>
            <th>{t.closures.date}</th>
            <th className="num">{t.closures.tickets}</th>
            <th className="num">{t.closures.total}</th>
            <th>{t.closures.vat}</th>
            <th className="num">{t.closures.grandTotal}</th>
            <th>{t.closures.integrated}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={`${c.registerId}/${c.number}`} data-testid={`closure-${c.registerId}-${c.number}`} data-total={c.payload.totalCents}>
              <td>{nameOf(c.registerId)}</td>
              <td>{c.number}</td>
              <td>{t.closures.periods[c.payload.period]} {c.payload.periodKey}</td>
              <td className="num">{c.payload.ticketCount}</td>
              <td className="num">{money(c.payload.totalCents, lang)}</td>
              <td>
                {c.payload.vat.map((v) => (
                  <div key={v.rate}>
                    {percentBp(v.rate, lang)} : {money(v.vatCents, lang)}
                  </div>
                ))}
              </td>
              <td className="num">{money(c.payload.grandTotalCents, lang)}</td>
              <td>{dateTime(c.integratedAt, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
