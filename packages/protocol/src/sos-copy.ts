import { z } from 'zod';
import { Id, IsoDateTime } from './common';
import { PaymentMethod } from './record';
import { CopyCashier, CopyCustomer, CopyDocument, CopyProduct, CopyStock, SnapshotManifest, StoreIdentity } from './sync';

// The streamed SOS copy (docs/architecture.md §5): `GET /api/sync/snapshot/stream` answers NDJSON, one line per row,
// data lines first (store, payment methods, products, customers, cashiers, stock, documents — each
// section sorted by its key in code-point order), the manifest LAST. A stream that ends without its
// manifest (truncated) is refused by the register, so is one whose counts or checksum differ.

export const SnapshotDataLine = z.discriminatedUnion('t', [
  z.object({ t: z.literal('store'), r: StoreIdentity }),
  z.object({ t: z.literal('paymentMethod'), r: PaymentMethod }),
  z.object({ t: z.literal('product'), r: CopyProduct }),
  z.object({ t: z.literal('customer'), r: CopyCustomer }),
  z.object({ t: z.literal('cashier'), r: CopyCashier }),
  z.object({ t: z.literal('stock'), r: CopyStock }),
  z.object({ t: z.literal('document'), r: CopyDocument }),
]);
export type SnapshotDataLine = z.infer<typeof SnapshotDataLine>;
export const SnapshotManifestLine = z.object({ t: z.literal('manifest'), r: SnapshotManifest });
export type SnapshotManifestLine = z.infer<typeof SnapshotManifestLine>;

/** Media type of the streamed copy. */
export const SNAPSHOT_STREAM_TYPE = 'application/x-ndjson';

// ---- central-initiated copy (prepare-outage) ----

/**
 * Central → register call `POST /api/sync/sos-copy` on the register's advertised URL. The register
 * verifies `x-comptoir-signature` = hex HMAC-SHA256, keyed with sha256(hex) of the register's own
 * bearer token (central stores exactly that hash), over `remoteCopySigningString(...)`; the
 * timestamp must be within REMOTE_COPY_MAX_SKEW_MS of the register's clock.
 */
export const REMOTE_COPY_PATH = '/api/sync/sos-copy';
export const REMOTE_COPY_MAX_SKEW_MS = 5 * 60_000;
export const RemoteCopyHeaders = z.object({
  'x-comptoir-register': Id,
  'x-comptoir-timestamp': IsoDateTime,
  'x-comptoir-signature': z.string().regex(/^[0-9a-f]{64}$/),
});
export type RemoteCopyHeaders = z.infer<typeof RemoteCopyHeaders>;
export function remoteCopySigningString(registerId: string, timestamp: string): string {
  return `POST\n${REMOTE_COPY_PATH}\n${registerId}\n${timestamp}`;
}

/**
 * Central → register call `POST /api/sync/invoices` (the back office asks for the invoice of a
 * ticket that has none yet): authenticated as the copy call is (same headers, same key), over
 * `remoteInvoiceSigningString(...)`, which also covers the body's fields. The register answers the
 * invoice (201 issued now, 200 issued before) or a coded error.
 */
export const REMOTE_INVOICE_PATH = '/api/sync/invoices';
export const RemoteInvoiceRequest = z.object({
  ticketNumber: z.number().int().positive(),
  customerId: Id,
  /** The back-office user asking (signed into the invoice as `requestedBy`). */
  requestedBy: z.string().min(1).max(100),
});
export type RemoteInvoiceRequest = z.infer<typeof RemoteInvoiceRequest>;
export function remoteInvoiceSigningString(registerId: string, timestamp: string, body: RemoteInvoiceRequest): string {
  return `POST\n${REMOTE_INVOICE_PATH}\n${registerId}\n${timestamp}\n${body.ticketNumber}\n${body.customerId}\n${body.requestedBy}`;
}

/** One result per register of the store: verified copy, refused/failed copy, or no answer. */
export const PrepareOutageItem = z.discriminatedUnion('status', [
  z.object({
    registerId: Id,
    name: z.string(),
    status: z.literal('ok'),
    counts: z.record(z.string(), z.number().int()),
    checksum: z.string(),
    changeVersion: z.number().int(),
    at: IsoDateTime,
    durationMs: z.number(),
  }),
  z.object({ registerId: Id, name: z.string(), status: z.literal('failed'), code: z.string(), reason: z.string() }),
  z.object({ registerId: Id, name: z.string(), status: z.literal('unreachable'), reason: z.string() }),
]);
export type PrepareOutageItem = z.infer<typeof PrepareOutageItem>;
export const PrepareOutageResponse = z.object({
  storeId: Id,
  items: z.array(PrepareOutageItem),
  total: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
});
export type PrepareOutageResponse = z.infer<typeof PrepareOutageResponse>;
