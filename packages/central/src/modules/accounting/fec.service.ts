import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { cashDifferenceEntry, FEC_COLUMNS, fecDate, fecRows, ticketEntry, type AccountingEntry } from '@comptoir/domain';
import { ComptoirError, type AccountingPeriodQuery } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { readStorePeriod } from './accounting-period.service';
import { chartOf } from './chart.service';

// The FEC (Fichier des Écritures Comptables, art. A47 A-1 LPF) of a store's sales over a period.
//
// Choice: ONE ENTRY PER TICKET (EcritureNum 1, 2, … in the file's chronological order), so every
// line of the accountant's file points at one signed ticket (PieceRef "<register> n°<number>"):
// payments debited (530 cash net of change, 5115 cards, 5112 cheques), sales per VAT rate and VAT
// collected per rate credited; a return is the mirror. A gift card's sale debits the money received and
// credits the card's account (payment:gift_card, 419700), which its spends debit later. Each Z whose drawer count differs adds one
// entry (658 shortage / 758 excess against 530) after the day's tickets. Training tickets are never
// tickets at central, so they never appear. Sales journal "VE".
//
// Format: the 18 standard columns with their standard names, tab-separated, CRLF, no quoting (free
// text has its tabs and line breaks replaced), dates AAAAMMJJ, amounts with a decimal comma, encoded
// in ISO 8859-15 (one of the encodings the rule allows). File name <SIREN>FEC<AAAAMMJJ>.txt, the date
// being the end of the period exported.

export const FEC_JOURNAL = { code: 'VE', label: 'Journal des ventes' };

export interface FecFile {
  filename: string;
  body: Buffer;
  entries: number;
}

export async function fecExport(ctx: Ctx, q: AccountingPeriodQuery): Promise<FecFile> {
  const period = await readStorePeriod(ctx, q);
  const siren = period.siret.replace(/\s+/g, '').slice(0, 9);
  if (!/^\d{9}$/.test(siren)) {
    throw new ComptoirError('CONFLICT', 'The store has no SIRET: set it before exporting the FEC (its file name carries the SIREN)', { storeId: period.storeId });
  }
  const chart = await chartOf(ctx, period.storeId);
  const entries: AccountingEntry[] = [];
  const differencesOf = new Map<string, AccountingEntry[]>();
  for (const c of period.closures) {
    const e = cashDifferenceEntry(
      { day: c.periodKey, pieceRef: `Z ${c.registerName} n°${c.number}`, label: `Écart de caisse ${c.registerName} ${c.periodKey}`, differenceCents: c.payload.cashDifferenceCents ?? 0 },
      chart,
    );
    if (e) differencesOf.set(c.periodKey, [...(differencesOf.get(c.periodKey) ?? []), e]);
  }
  const flushDifferences = (upTo: string | null) => {
    for (const day of [...differencesOf.keys()].sort()) {
      if (upTo !== null && day >= upTo) break;
      entries.push(...differencesOf.get(day)!);
      differencesOf.delete(day);
    }
  };
  for (const t of period.tickets) {
    flushDifferences(t.day);
    const ref = `${t.registerName} n°${t.number}`;
    const original = t.original ? ` (ticket ${period.registers.find((r) => r.id === t.original!.registerId)?.name ?? t.original.registerId} n°${t.original.number})` : '';
    // A gift card's sale (§25): the money received against the card's account (419700 by default), no sales, no VAT.
    const payments = t.giftCardCents ? [...t.netPayments, { method: 'gift_card' as const, amountCents: -t.giftCardCents }] : t.netPayments;
    const label = t.giftCardCents ? `Carte cadeau ${ref}` : t.kind === 'sale' ? `Vente ${ref}` : `Retour ${ref}${original}`;
    const r = ticketEntry({ day: t.day, pieceRef: ref, label, vat: t.vat, payments }, chart);
    if (!r.ok) throw new ComptoirError('INTERNAL', r.message, { registerId: t.registerId, number: t.number });
    entries.push(r.value);
  }
  flushDifferences(null);
  const text = stringify([[...FEC_COLUMNS], ...fecRows(FEC_JOURNAL, entries)], { delimiter: '\t', record_delimiter: 'windows', quote: '' });
  ctx.log.info({ storeId: period.storeId, from: q.from, to: q.to, entries: entries.length }, 'FEC exported');
  return { filename: `${siren}FEC${fecDate(q.to)}.txt`, body: iconv.encode(text, 'iso-8859-15'), entries: entries.length };
}
