import type { VatLine } from '@comptoir/protocol';
import { formatEuros, formatRate } from '@comptoir/domain/money';
import { useScreen } from './screen.context';

/** Per-VAT-rate breakdown (rate, base, VAT, total incl. VAT), as on receipts and the X report. */
export function VatTable({ vat, className }: { vat: readonly VatLine[]; className: string }) {
  const { t, lang } = useScreen();
  const money = (c: number) => formatEuros(c, lang);
  return (
    <table className={className}>
      <thead>
        <tr>
          <th>{t('rate')}</th>
          <th className="num">{t('base')}</th>
          <th className="num">{t('vat')}</th>
          <th className="num">{t('ttc')}</th>
        </tr>
      </thead>
      <tbody>
        {vat.map((v) => (
          <tr key={v.rate}>
            <td>{formatRate(v.rate, lang)}</td>
            <td className="num">{money(v.baseCents)}</td>
            <td className="num">{money(v.vatCents)}</td>
            <td className="num">{money(v.totalCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
