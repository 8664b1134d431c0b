import { useState } from 'react';
import type { CentralArchive, CentralClosure, FleetResponse } from '@comptoir/protocol';
import { api, apiBlob, qs } from '../api.client';
import { formatEuros, formatRate } from '@comptoir/domain/money';
import { useI18n } from '../i18n';
import { useStoreClock } from '../ui/store-clock';
import { ErrorLine, errorText, Section, useLoad } from '../ui/common';
import { RowAction, RowMenu, TableScroll } from '../ui/row-menu';

/** The daily closures (Z) the registers signed and pushed: what the accountant checks each day. */
export function ClosuresScreen() {
  const { t, lang } = useI18n();
  const clock = useStoreClock();
  const [registerId, setRegisterId] = useState('');
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), []);
  const list = useLoad(() => api<{ items: CentralClosure[] }>('GET', `/api/closures${qs({ registerId: registerId || undefined, limit: 200 })}`), [registerId], 10_000);
  const archives = useLoad(() => api<{ items: CentralArchive[] }>('GET', `/api/archives${qs({ registerId: registerId || undefined, limit: 200 })}`), [registerId], 10_000);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const nameOf = (id: string) => fleet.data?.items.find((r) => r.id === id)?.name ?? id;

  /**
   * An archive file, checkable with `comptoir verify --archive`: as central rebuilds it from its
   * records (`file`), or exactly as the register wrote and sent it (`register-file`).
   */
  async function download(a: CentralArchive, source: 'file' | 'register-file') {
    try {
      const blob = await apiBlob(`/api/archives/${encodeURIComponent(a.registerId)}/${a.number}/${source}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `comptoir-archive-${a.registerId}-${a.payload.periodKey}.ndjson`;
      link.click();
      setDownloadError(null);
    } catch (e) {
      setDownloadError(errorText(t, e));
    }
  }
  return (
    <div>
      <h1>{t('closures.title')}</h1>
      <div className="filters">
        <select aria-label={t('closures.register')} data-testid="closures-register" value={registerId} onChange={(e) => setRegisterId(e.target.value)}>
          <option value="">{t('closures.all')}</option>
          {fleet.data?.items.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <p className="muted">{t('closures.empty')}</p>}
      <Section title={t('closures.title')}>
      <TableScroll label={t('closures.title')}>
      <table className="grid" data-testid="closures">
        <thead>
          <tr>
            <th>{t('closures.register')}</th>
            <th>{t('closures.number')}</th>
            <th>{t('closures.date')}</th>
            <th className="num">{t('closures.tickets')}</th>
            <th className="num">{t('closures.total')}</th>
            <th>{t('closures.vat')}</th>
            <th className="num">{t('closures.grandTotal')}</th>
            <th>{t('closures.integrated')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={`${c.registerId}/${c.number}`} data-testid={`closure-${c.registerId}-${c.number}`} data-total={c.payload.totalCents}>
              <td>{nameOf(c.registerId)}</td>
              <td>{c.number}</td>
              <td>{t(`period.${c.payload.period}`)} {c.payload.periodKey}</td>
              <td className="num">{c.payload.ticketCount}</td>
              <td className="num">{formatEuros(c.payload.totalCents, lang)}</td>
              <td>
                {c.payload.vat.map((v) => (
                  <div key={v.rate}>
                    {formatRate(v.rate, lang)} : {formatEuros(v.vatCents, lang)}
                  </div>
                ))}
              </td>
              <td className="num">{formatEuros(c.payload.grandTotalCents, lang)}</td>
              <td>{clock.dateTime(c.integratedAt, c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
      </Section>
      <Section title={t('closures.archives')}>
      <p className="muted">{t('closures.archivesHint')}</p>
      <ErrorLine error={downloadError ?? archives.error} />
      <TableScroll label={t('closures.archives')}>
      <table className="grid" data-testid="archives">
        <thead>
          <tr>
            <th>{t('closures.register')}</th>
            <th>{t('closures.period')}</th>
            <th className="num">{t('closures.records')}</th>
            <th>{t('closures.sha256')}</th>
            <th>{t('closures.integrated')}</th>
            <th className="actions"><span className="sr-only">{t('fleet.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {archives.data?.items.map((a) => (
            <tr key={`${a.registerId}/${a.number}`} data-testid={`archive-${a.registerId}-${a.number}`}>
              <td>{nameOf(a.registerId)}</td>
              <td>{a.payload.periodKey}</td>
              <td className="num">{a.payload.recordCount}</td>
              <td><code>{a.payload.sha256.slice(0, 16)}…</code></td>
              <td>{clock.dateTime(a.integratedAt, a)}</td>
              <td className="actions">
                <RowMenu label={t('row.actionsOf', { name: `${nameOf(a.registerId)} ${a.payload.periodKey}` })} testId={`row-menu-archive-${a.registerId}-${a.number}`}>
                  <RowAction testId={`archive-download-${a.registerId}-${a.number}`} onSelect={() => void download(a, 'file')}>{t('closures.download')}</RowAction>
                  <RowAction testId={`archive-register-file-${a.registerId}-${a.number}`} onSelect={() => void download(a, 'register-file')}>{t('closures.registerFile')}</RowAction>
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
