export { ok, err, type Result, type Ok, type Err } from './result';
export { isCents, sumCents, formatEuros, formatDecimalEuros, formatRate, parseEuros, MONEY_LOCALES, type MoneyLang } from './money';
export { FRENCH_VAT_RATES, parseVatPercent, splitVatInclusive, type VatSplit } from './vat';
export { priceLines, type LineInput, type PricedLine, type PricedCart, type VatLine } from './cart';
export { PAYMENT_METHODS, paymentsNetOfChange, settlePayments, type PaymentMethod, type Payment, type Settlement } from './payment';
export { buildReturnLines, type ReturnRequest } from './return';
export { linePrice, priceAllowed, type LinePriceError, type PricedProduct } from './open-price';
export {
  GENESIS_SIGNATURE,
  canonicalRecordString,
  generateSigningKeyPair,
  keyIdOf,
  keyResolver,
  keyValidityProblem,
  type ChainHeads,
  type RegisterKey,
  type PublicKeys,
  signRecord,
  verifyRecord,
  verifyChain,
  type SignableRecord,
  type SignedRecord,
  type ChainCheck,
  type SigningKeyPair,
} from './signing';
export { keyRotationDetails, keyRotationOf, type KeyRotation } from './key-rotation';
export { chainReportLine, reportChain, type ChainAnchor, type ChainReport } from './chain-report';
export { ARCHIVE_FORMAT, archiveBody, archiveDigest, archiveFile, archiveHeaderKeys, archiveKindOf, keyFingerprint, verifyArchive, verifyArchiveSequence, type ArchiveCheck, type ArchiveHead, type ArchiveIdentity, type ArchiveKind, type ArchiveRange } from './archive';
export {
  DEFAULT_BUSINESS_DAY_CUTOFF,
  DEFAULT_FISCAL_YEAR_START_MONTH,
  addDays,
  businessDay,
  cutoffMinutes,
  fiscalYearOf,
  monthOf,
  periodDays,
} from './business-day';
export {
  FEC_COLUMNS,
  cashDifferenceEntry,
  chartKeys,
  defaultAccount,
  entryTotals,
  fecAmount,
  fecDate,
  fecRows,
  fecText,
  ticketEntry,
  type Account,
  type AccountKey,
  type AccountingEntry,
  type ChartEntry,
  type EntryLine,
  type TicketForAccounting,
} from './accounting';
export {
  THROTTLE,
  NO_FAILURES,
  afterFailure,
  lockDurationMs,
  lockRemainingMs,
  retryAfterSeconds,
  type ThrottleState,
} from './login-throttle';
export { ticketTotalsMismatch, type StatedTicket, type TotalsStep } from './ticket-totals';
export { peerSigningString, signPeerRequest, verifyPeerRequest, type PeerRequest } from './peer-signing';
export { STORE_CODE_PATTERN, defaultStoreCode, formatTicketReference, parseTicketReference, type TicketReference } from './ticket-reference';
export { spreadTicketDiscount, ticketDiscountCents, type TicketDiscount } from './ticket-discount';
export { NO_TICKET_SUMS, addTicketSums, sumTicketSums, ticketSums, type PaymentSum, type SummedTicket, type TicketSums } from './ticket-sums';
export { recomputeClosures, type ClosureRecomputation } from './closure-check';
export { DEFAULT_GIFT_CARD_MAX_CENTS, GIFT_CARD_ERRORS, GIFT_CARD_SALE_METHODS, checkGiftCardAmount, checkGiftCardSaleTenders, checkGiftCardTenders, giftCardCents } from './gift-card';
export {
  DEFAULT_MEAL_VOUCHER_CAP_CENTS,
  MEAL_VOUCHER_ERRORS,
  checkMealVouchers,
  mealVoucherBreaches,
  mealVoucherCents,
  mealVoucherDefaultCents,
  mealVoucherEligibleCents,
  mealVoucherLimitCents,
  mealVoucherTender,
  type VoucherLine,
} from './meal-voucher';
