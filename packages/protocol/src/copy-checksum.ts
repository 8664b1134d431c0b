import { createHash, type Hash } from 'node:crypto';
import type { SnapshotDataLine } from './sos-copy';
import type { Snapshot } from './sync';

/**
 * Checksum of a SOS copy — ONE definition for central and register: sha256 (hex) over the
 * canonical text of every data line followed by "\n", in stream order. Stream order is: store,
 * payment methods (sorted), products by sku, customers by id, cashiers by id, stock by sku, documents
 * by (customerId, registerId, number); keys compared in code-point order.
 *
 * Canonical text of a line: JSON.stringify of `{t, r}` with `r`'s keys in the schema's order
 * (`canonicalLineText`), i.e. exactly what central writes on the wire. The register hashes the
 * canonical text of what it parsed (= what it stores), so a line altered in transit, a line
 * missing, or a row stored differently from what central hashed all change the checksum.
 * Linear and incremental: both sides hash as the lines stream, no second pass.
 */
export function canonicalLineText(line: SnapshotDataLine): string {
  switch (line.t) {
    case 'store': {
      const s = line.r;
      const references = s.code === undefined && s.registers === undefined ? {} : { code: s.code, registers: s.registers?.map((r) => ({ id: r.id, name: r.name, number: r.number })) };
      // The meal-voucher cap only in the copies of registers that asked for it (`?with=till`): older ones hash as before.
      const cap = s.mealVoucherCapCents === undefined ? {} : { mealVoucherCapCents: s.mealVoucherCapCents };
      // The gift-card cap likewise, only for registers that asked (`?with=gift-card`).
      const giftCard = s.giftCardMaxCents === undefined ? {} : { giftCardMaxCents: s.giftCardMaxCents };
      return JSON.stringify({ t: 'store', r: { id: s.id, name: s.name, address: s.address, siret: s.siret, vatNumber: s.vatNumber, timezone: s.timezone, businessDayCutoff: s.businessDayCutoff, fiscalYearStartMonth: s.fiscalYearStartMonth, ...references, ...cap, ...giftCard } });
    }
    case 'paymentMethod':
      return JSON.stringify({ t: 'paymentMethod', r: line.r });
    case 'product': {
      const p = line.r;
      return JSON.stringify({
        t: 'product',
        // The cap only when there is one, the meal-voucher flag only when false: any other line hashes exactly as before.
        r: { sku: p.sku, label: p.label, priceCents: p.priceCents, vatRate: p.vatRate, category: p.category, barcodes: p.barcodes, active: p.active, ...(p.openPriceMaxCents !== undefined ? { openPriceMaxCents: p.openPriceMaxCents } : {}), ...(p.mealVoucherEligible === false ? { mealVoucherEligible: false } : {}) },
      });
    }
    case 'customer': {
      const c = line.r;
      return JSON.stringify({ t: 'customer', r: { id: c.id, name: c.name, email: c.email, phone: c.phone, active: c.active } });
    }
    case 'cashier': {
      const c = line.r;
      return JSON.stringify({
        t: 'cashier',
        r: { id: c.id, login: c.login, displayName: c.displayName, role: c.role, pinHash: c.pinHash, active: c.active },
      });
    }
    case 'stock':
      return JSON.stringify({ t: 'stock', r: { sku: line.r.sku, quantity: line.r.quantity } });
    case 'document': {
      const d = line.r;
      return JSON.stringify({
        t: 'document',
        r: { customerId: d.customerId, registerId: d.registerId, number: d.number, kind: d.kind, totalCents: d.totalCents, soldAt: d.soldAt },
      });
    }
  }
}

/** Incremental checksum: feed canonical line texts in stream order. */
export class SnapshotHasher {
  private readonly hash: Hash = createHash('sha256');
  lines = 0;

  addText(canonicalText: string): void {
    this.hash.update(canonicalText);
    this.hash.update('\n');
    this.lines++;
  }

  add(line: SnapshotDataLine): string {
    const text = canonicalLineText(line);
    this.addText(text);
    return text;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

type Body = Omit<Snapshot, 'manifest'>;

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The data lines of a copy body, in stream order (sorted as the definition says). */
export function* snapshotLines(body: Omit<Body, 'documents'> & { documents?: Body['documents'] }): Generator<SnapshotDataLine> {
  yield { t: 'store', r: body.store };
  for (const m of [...body.paymentMethods].sort(compareKeys)) yield { t: 'paymentMethod', r: m };
  for (const p of [...body.products].sort((a, b) => compareKeys(a.sku, b.sku))) yield { t: 'product', r: p };
  for (const c of [...body.customers].sort((a, b) => compareKeys(a.id, b.id))) yield { t: 'customer', r: c };
  for (const c of [...body.cashiers].sort((a, b) => compareKeys(a.id, b.id))) yield { t: 'cashier', r: c };
  for (const s of [...body.stock].sort((a, b) => compareKeys(a.sku, b.sku))) yield { t: 'stock', r: s };
  const docs = [...(body.documents ?? [])].sort(
    (a, b) => compareKeys(a.customerId, b.customerId) || compareKeys(a.registerId, b.registerId) || a.number - b.number,
  );
  for (const d of docs) yield { t: 'document', r: d };
}

/** Checksum of a whole body in memory (same definition as the streamed one). */
export function snapshotChecksum(body: Omit<Body, 'documents'> & { documents?: Body['documents'] }): string {
  const h = new SnapshotHasher();
  for (const line of snapshotLines(body)) h.add(line);
  return h.digest();
}
