import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Snapshot } from './sync';

/**
 * Checksum of a SOS copy: sha256 (hex) of the RFC 8785 canonical JSON of everything but the manifest,
 * with every list in key order. Central computes it when it builds a snapshot; the register computes
 * it again over what it received (and over what it stored) and refuses a copy that differs.
 */
export function snapshotChecksum(body: Omit<Snapshot, 'manifest'>): string {
  const ordered = {
    store: body.store,
    paymentMethods: [...body.paymentMethods].sort(),
    products: [...body.products].sort((a, b) => cmp(a.sku, b.sku)),
    customers: [...body.customers].sort((a, b) => cmp(a.id, b.id)),
    cashiers: [...body.cashiers].sort((a, b) => cmp(a.id, b.id)),
    stock: [...body.stock].sort((a, b) => cmp(a.sku, b.sku)),
  };
  return createHash('sha256').update(canonicalize(ordered) ?? '').digest('hex');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
