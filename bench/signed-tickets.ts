import { createPrivateKey } from 'node:crypto';
import { GENESIS_SIGNATURE, generateSigningKeyPair, priceLines, signRecord } from '@comptoir/domain';
import type { SignedRecord, TicketPayload } from '@comptoir/protocol';

/**
 * What a register would push after an outage: `count` signed, chained tickets, built with the same
 * domain code as the register (pricing, payments, signing). Used to measure the central ingest alone.
 */
export function offlineTickets(opts: {
  registerId: string;
  storeId: string;
  cashierId: string;
  privateKeyPem: string;
  products: { sku: string; label: string; priceCents: number; vatRate: number }[];
  count: number;
  start?: Date;
}): SignedRecord[] {
  const key = createPrivateKey(opts.privateKeyPem);
  const records: SignedRecord[] = [];
  let prev = GENESIS_SIGNATURE;
  const t0 = (opts.start ?? new Date()).getTime();
  for (let n = 1; n <= opts.count; n++) {
    const picks = [opts.products[n % opts.products.length]!, opts.products[(n * 7) % opts.products.length]!];
    const priced = priceLines(picks.map((p, i) => ({ sku: p.sku, label: p.label, unitPriceCents: p.priceCents, vatRate: p.vatRate, quantity: 1 + i })));
    if (!priced.ok) throw new Error(priced.message);
    const payload: TicketPayload = {
      type: 'ticket',
      kind: 'sale',
      storeId: opts.storeId,
      cashierId: opts.cashierId,
      customerId: null,
      soldOffline: true,
      lines: priced.value.lines.map((l) => ({ ...l })),
      vat: priced.value.vat,
      totalCents: priced.value.totalCents,
      payments: [{ method: 'card', amountCents: priced.value.totalCents }],
      changeCents: 0,
      original: null,
    };
    const unsigned = { registerId: opts.registerId, chain: 'ticket' as const, number: n, recordedAt: new Date(t0 + n * 1000).toISOString(), payload, prevSignature: prev };
    const signature = signRecord(key, unsigned);
    records.push({ ...unsigned, signature });
    prev = signature;
  }
  return records;
}

export { generateSigningKeyPair };
