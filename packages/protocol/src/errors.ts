/**
 * The one catalogue of coded errors. Every failure that crosses HTTP carries one of these codes;
 * `HTTP_STATUS` is the one place that maps a code to a status (central and register both use it).
 */
export const ERROR_CODES = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  /** The action needs a manager's approval at the till (`approval: {login, pin}`), or the one given was refused. */
  APPROVAL_REQUIRED: 403,
  FOREIGN_RECORD: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CHAIN_GAP: 409,
  ENROL_CODE_INVALID: 401,
  ALREADY_ENROLLED: 409,
  NOT_ENROLLED: 409,
  TAMPER_ALERT: 422,
  CHAIN_BLOCKED: 423,
  /** Too many failed logins for this account or address: locked for a while (`Retry-After`). */
  TOO_MANY_ATTEMPTS: 429,
  /** A register already holds its allowed number of change-event streams (SSE) on central (`Retry-After`). */
  TOO_MANY_STREAMS: 429,
  SALE_REFUSED: 422,
  PAYMENT_REFUSED: 422,
  RETURN_REFUSED: 422,
  /** Central holds these units as refunded already (by this or another till of the store): nothing written. */
  RETURN_ALREADY_REFUNDED: 409,
  /** The credit note (avoir) has less left than this tender asks (spent already, at this or another till): nothing written. */
  CREDIT_NOTE_SPENT: 409,
  /** The gift card has less left than this tender asks (spent already, at this or another till): nothing written. */
  GIFT_CARD_SPENT: 409,
  /** This ticket cannot be invoiced (a return, a training ticket, training mode on): nothing written (details.reason). */
  INVOICE_REFUSED: 422,
  /** The ticket's invoice exists already, for another customer: an invoice's customer is fixed at its first issue (details.invoiceNumber, customerId). */
  INVOICE_CUSTOMER_FIXED: 409,
  /** An archive file that is not the signed archive record's (header other than central's, or body not the signed SHA-256): nothing stored (details.reason). */
  ARCHIVE_FILE_MISMATCH: 422,
  /** Central has not integrated that archive record yet (push it first, then send its file again): nothing stored. */
  ARCHIVE_NOT_INTEGRATED: 409,
  /** The register has not sent that archive's file to central yet (central can still rebuild it: `GET /api/archives/:registerId/:number/file`). */
  ARCHIVE_FILE_NOT_RECEIVED: 404,
  /** A stock count of this store and category is open already: finish or post it first (details.countId). */
  STOCK_COUNT_OPEN: 409,
  /** The stock count is posted: it cannot be changed nor posted again (details.countId). */
  STOCK_COUNT_POSTED: 409,
  /** Some lines of the count sheet have no counted quantity yet: nothing posted (details.uncounted: SKUs). */
  STOCK_COUNT_INCOMPLETE: 422,
  /**
   * A purge of monthly partitions would drop records no verified NF525 archive covers (details:
   * month, registerId, chain, number, reason `not_archived`, `archive_file_missing` or
   * `archive_broken`, archiveNumber, problem): nothing dropped.
   */
  PURGE_NOT_ARCHIVED: 409,
  /** This central keeps no monthly partitions (SQLite): there is nothing to purge. */
  PURGE_UNSUPPORTED: 409,
  UNKNOWN_PRODUCT: 422,
  /** An open-price item sold without the price the cashier typed (details.sku). */
  OPEN_PRICE_REQUIRED: 422,
  /** The typed price of an open-price item is above its cap (details.sku, maxCents). */
  OPEN_PRICE_ABOVE_CAP: 422,
  /** A price was sent for a product sold at its catalog price (details.sku): only open-price items take one. */
  PRICE_NOT_OPEN: 422,
  UNKNOWN_CUSTOMER: 422,
  UNAVAILABLE_OFFLINE: 503,
  /** Central is saturated on this path (admission control): alive, come back after `Retry-After` (details.retryAfterSeconds). */
  CENTRAL_BUSY: 503,
  CENTRAL_UNREACHABLE: 502,
  /** Central could not reach the register it needed (no URL known, no answer in time): nothing done there. */
  REGISTER_UNREACHABLE: 503,
  /** A SOS copy failed verification (counts or checksum): the previous copy is kept. */
  COPY_REJECTED: 502,
  /** The register speaks a sync protocol central no longer (or not yet) accepts: upgrade it (or central). */
  PROTOCOL_UNSUPPORTED: 426,
  /** The disk (or the database's storage) is full: nothing was written; the same request can be sent again once space is freed. */
  DISK_FULL: 507,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** The one error class thrown by services; routes never build error bodies themselves. */
export class ComptoirError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ComptoirError';
  }

  get status(): number {
    return httpStatusOf(this.code);
  }
}

/** HTTP headers an error answer carries (`Retry-After` for TOO_MANY_ATTEMPTS, CENTRAL_BUSY and the like). */
export function errorHeaders(error: ComptoirError): Record<string, string> {
  const retry = error.details?.['retryAfterSeconds'];
  return typeof retry === 'number' ? { 'retry-after': String(retry) } : {};
}
