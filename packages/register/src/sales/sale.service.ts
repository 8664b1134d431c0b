import { buildReturnLines, checkGiftCardAmount, checkGiftCardSaleTenders, checkGiftCardTenders, checkMealVouchers, linePrice, mealVoucherEligibleCents, priceLines, settlePayments, spreadTicketDiscount, type LineInput, type Payment, type PricedCart } from '@comptoir/domain';
import {
  ComptoirError,
  creditNoteReference,
  giftCardReference,
  refuseGiftCardReturn,
  type ApprovedBy,
  type ReturnRequest,
  type SaleRequest,
  type SaleResponse,
  type SellGiftCardRequest,
  type TicketPayload,
} from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { discountAboveLimit, requireApproval, storeRules, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { customerInUse } from '../customers/till-customer.service';
import type { ProductRow } from '../db/statements';
import { withDaysClosed } from '../closures/closure.service';
import { trainingEnabled } from '../training/training.service';
import { isStoredValueMethod, signedTender, type CheckedStoredValues } from '../credit-notes/stored-value.service';

export type SaleOutcome = { created: boolean; sale: SaleResponse };

function requireIdentity(ctx: RegisterContext) {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  return ctx.identity;
}

/** Local product by SKU, else by barcode; inactive or unknown → 422 UNKNOWN_PRODUCT. */
function findProduct(ctx: RegisterContext, code: string): ProductRow {
  const p = ctx.q.productBySku.get(code) ?? ctx.q.productByBarcode.get(code);
  if (!p || p.active !== 1) {
    throw new ComptoirError('UNKNOWN_PRODUCT', `Unknown product: ${code}`, { sku: code });
  }
  return p;
}

function checkMethods(ctx: RegisterContext, payments: readonly { method: string }[]): void {
  for (const p of payments) {
    if (!ctx.q.paymentMethod.get(p.method)) {
      throw new ComptoirError('PAYMENT_REFUSED', `Payment method not accepted in this store: ${p.method}`);
    }
  }
}

/**
 * Settles a ticket's tenders (domain settlePayments) and holds them to the meal-voucher rules (§24) —
 * the store's cap and `eligibleCents`, what the lines meal vouchers may pay for come to (a return: its
 * total) — and the gift-card rules (§25).
 */
function settled(ctx: RegisterContext, totalCents: number, payments: readonly Payment[], eligibleCents: number) {
  // The vouchers first: one above the total is refused as such (settlePayments would only say that card-like tenders cannot be overpaid).
  const vouchers = checkMealVouchers(totalCents, payments, storeRules(ctx).mealVoucherCapCents, eligibleCents);
  if (!vouchers.ok) throw new ComptoirError('PAYMENT_REFUSED', vouchers.message, { reason: vouchers.code });
  // Likewise gift cards: no change out of a card, never a refund on one.
  const cards = checkGiftCardTenders(totalCents, payments);
  if (!cards.ok) throw new ComptoirError('PAYMENT_REFUSED', cards.message, { reason: cards.code });
  const s = settlePayments(totalCents, payments);
  if (!s.ok) throw new ComptoirError('PAYMENT_REFUSED', s.message, { reason: s.code });
  return s.value;
}

const sumGross = (cart: PricedCart) => cart.lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);

function priced(cart: ReturnType<typeof priceLines>, code: 'SALE_REFUSED' | 'RETURN_REFUSED'): PricedCart {
  if (!cart.ok) throw new ComptoirError(code, cart.message, { reason: cart.code });
  return cart.value;
}

/**
 * A sale request priced from the SOS copy (phase 2 of createSale, reads only): its lines at the
 * catalog price (or the typed price of an open-price item), the whole-ticket discount spread over
 * them, and what meal vouchers may pay of it. Refusals are thrown (SALE_REFUSED, unknown SKU…).
 */
export function priceSale(ctx: RegisterContext, req: SaleRequest): { inputs: LineInput[]; spread: boolean; cart: PricedCart; eligibleCents: number } {
  const inputs: LineInput[] = new Array(req.lines.length);
  /** Per line: may meal vouchers pay for it (the copy's flag, food only, §24)? */
  const voucherEligible: boolean[] = new Array(req.lines.length);
  for (let i = 0; i < req.lines.length; i++) {
    const l = req.lines[i]!;
    const p = findProduct(ctx, l.sku);
    voucherEligible[i] = p.meal_voucher_eligible !== 0;
    // The catalog price, or the price the cashier typed for an open-price item (at most its cap).
    const price = linePrice({ priceCents: p.price_cents, openPriceMaxCents: p.open_price_max_cents }, l.unitPriceCents);
    if (!price.ok) throw new ComptoirError(price.code, price.message, { sku: p.sku, line: i, ...(p.open_price_max_cents !== null ? { maxCents: p.open_price_max_cents } : {}) });
    inputs[i] = {
      sku: p.sku,
      label: p.label,
      unitPriceCents: price.value,
      vatRate: p.vat_rate,
      quantity: l.quantity,
      discountCents: l.discountCents ?? 0,
    };
  }
  // A whole-ticket discount becomes each line's share (to the cent); the per-line approval rule then applies to it.
  const spread = req.ticketDiscount ? spreadTicketDiscount(inputs, req.ticketDiscount) : null;
  if (spread && !spread.ok) throw new ComptoirError('SALE_REFUSED', spread.message, { reason: spread.code });
  const cart = priced(priceLines(spread ? spread.value : inputs), 'SALE_REFUSED');
  // What the eligible lines come to after line and ticket discounts: the most vouchers may pay (with the cap).
  const eligibleCents = mealVoucherEligibleCents(cart.lines.map((l, i) => ({ totalCents: l.totalCents, mealVoucherEligible: voucherEligible[i]! })));
  return { inputs, spread: spread !== null, cart, eligibleCents };
}

/**
 * The tender rules a sale's payments must meet, checked before any avoir or gift card is reserved
 * (stored-value-tender.service.ts): a tender refused for its amount (no change out of a card, meal
 * vouchers over the cap…) must never leave a reservation behind, at central or at the issuing till.
 */
export function checkSaleTenders(ctx: RegisterContext, req: SaleRequest): void {
  const { cart, eligibleCents } = priceSale(ctx, req);
  checkMethods(ctx, req.payments);
  settled(ctx, cart.totalCents, req.payments, eligibleCents);
}

/**
 * Records a sale. Phases, all in ONE synchronous SQLite transaction (nothing else can run on the
 * connection meanwhile, so numbering is gapless and duplicate-free under any concurrency):
 *   0. the first sale of a business day first closes the business days left open (automatic Zs,
 *      closure.service.ts `withDaysClosed`);
 *   1. idempotency: a known `clientSaleId` returns the ticket already made (created=false);
 *   2. pricing from the SOS copy (SKU, then barcode; an open-price item at the price the cashier
 *      typed, domain `linePrice`), customer check, payment settlement;
 *   3. chain head → next number → signature → record + outbox row (appendRecord);
 *   4. ticket row + stock movements;
 * commit; then a push is scheduled (never awaited: a sale never waits for the network).
 * Any refusal throws before anything is written (the transaction rolls back). A line discount
 * above the store's cashier limit needs `approver` (approval.service.ts), who is then signed.
 */
export function createSale(
  ctx: RegisterContext,
  req: SaleRequest,
  actor: Actor,
  approver: Approver | null = null,
  /** Avoir and gift-card tenders checked before the transaction (stored-value.service.ts), and the approvals they need. */
  storedValues: Readonly<CheckedStoredValues> = { tenders: [], reasons: [] },
): SaleOutcome {
  const identity = requireIdentity(ctx);
  const training = trainingEnabled(ctx);
  // A training sale is no sale: it closes no business day (a plain transaction).
  const inTransaction = training ? (work: () => SaleOutcome) => ctx.sqlite.transaction(work)() : (work: () => SaleOutcome) => withDaysClosed(ctx, actor.cashierId, work);
  const outcome = inTransaction((): SaleOutcome => {
    const replay = training ? null : replayOf(ctx, req.clientSaleId);
    if (replay) return replay;
    const { inputs, spread, cart, eligibleCents } = priceSale(ctx, req);
    // A customer created at this till and since linked by central to an existing one names that one.
    const customerId = req.customerId === undefined ? undefined : customerInUse(ctx, req.customerId);
    if (customerId !== undefined && !ctx.q.customerActive.get(customerId)) {
      throw new ComptoirError('UNKNOWN_CUSTOMER', `Unknown customer: ${req.customerId}`);
    }
    const limitBp = storeRules(ctx).cashierDiscountLimitBp;
    // A line's own discount is judged on its line; a ticket discount on the whole ticket (its cent
    // rounding on a small line never asks for a manager by itself).
    const overLimit = spread
      ? inputs.some((l) => discountAboveLimit({ ...l, discountCents: l.discountCents ?? 0 }, limitBp)) ||
        discountAboveLimit({ unitPriceCents: 1, quantity: sumGross(cart), discountCents: cart.lines.reduce((s, l) => s + l.discountCents, 0) }, limitBp)
      : cart.lines.some((l) => discountAboveLimit(l, limitBp));
    const approvedBy = requireApproval(approver, [...(overLimit ? ['discount'] : []), ...storedValues.reasons]);
    checkMethods(ctx, req.payments);
    const unreferenced = req.payments.find((p, i) => isStoredValueMethod(p.method) && !storedValues.tenders.some((t) => t.index === i));
    if (unreferenced && !training) throw new ComptoirError('PAYMENT_REFUSED', `A ${unreferenced.method === 'gift_card' ? 'gift card' : 'credit note'} tender must be checked first (reference)`, { reason: `${unreferenced.method}_reference` });
    const settlement = settled(ctx, cart.totalCents, req.payments, eligibleCents);
    if (training && req.payments.some((p) => isStoredValueMethod(p.method))) throw new ComptoirError('PAYMENT_REFUSED', 'No credit note or gift card in training mode', { reason: 'training' });
    const payments = settlement.payments.map((p, i) => {
      const t = storedValues.tenders.find((x) => x.index === i);
      return t ? signedTender(ctx, p, t) : p;
    });

    return commitTicket(ctx, identity, actor, {
      kind: 'sale',
      customerId: customerId ?? null,
      cart,
      payments,
      changeCents: settlement.changeCents,
      original: null,
      clientSaleId: req.clientSaleId ?? null,
      training,
      approvedBy,
    }).outcome;
  });
  if (outcome.created) ctx.recordsAppended();
  return outcome;
}

/**
 * Sells a gift card (§25): a ticket of the `ticket` chain whose one line is the card — no goods, no
 * VAT (a multi-purpose voucher bears VAT when spent), no turnover — paid by cash, card or cheque.
 * Same transaction discipline as a sale; its reference names this register and the ticket's number.
 * Refusals (422 PAYMENT_REFUSED, nothing written): amount ≤ 0 (GIFT_CARD_AMOUNT), above the store's
 * cap (GIFT_CARD_MAX), paid otherwise than by money (GIFT_CARD_TENDER), payments short (PAYMENT_SHORT).
 */
export function sellGiftCard(ctx: RegisterContext, req: SellGiftCardRequest, actor: Actor): SaleOutcome {
  const identity = requireIdentity(ctx);
  if (trainingEnabled(ctx)) throw new ComptoirError('SALE_REFUSED', 'No gift card is sold in training mode: leave training mode first', { reason: 'training' });
  const outcome = withDaysClosed(ctx, actor.cashierId, (): SaleOutcome => {
    const replay = replayOf(ctx, req.clientSaleId);
    if (replay) return replay;
    const amount = checkGiftCardAmount(req.amountCents, storeRules(ctx).giftCardMaxCents);
    if (!amount.ok) throw new ComptoirError('PAYMENT_REFUSED', amount.message, { reason: amount.code, maxCents: storeRules(ctx).giftCardMaxCents });
    const tenders = checkGiftCardSaleTenders(req.payments);
    if (!tenders.ok) throw new ComptoirError('PAYMENT_REFUSED', tenders.message, { reason: tenders.code });
    checkMethods(ctx, req.payments);
    const settlement = settled(ctx, amount.value, req.payments, amount.value);
    const number = (ctx.q.chainHead.get('ticket')?.number ?? 0) + 1;
    return commitTicket(ctx, identity, actor, {
      kind: 'sale',
      customerId: null,
      cart: { lines: [], vat: [], totalCents: amount.value },
      payments: settlement.payments,
      changeCents: settlement.changeCents,
      original: null,
      giftCard: { reference: giftCardReference(identity.registerId, number), amountCents: amount.value },
      clientSaleId: req.clientSaleId ?? null,
      training: false,
      approvedBy: undefined,
    }).outcome;
  });
  if (outcome.created) ctx.recordsAppended();
  return outcome;
}

/** A return's original as central answered it when the units were reserved there (store-return.service.ts). */
export interface ReservedOriginal {
  reservationId: string;
  registerId: string;
  lines: TicketPayload['lines'];
  customerId: string | null;
  /** Units of each line returned before this reservation, at every register of the store. */
  before: Record<number, number>;
}

/**
 * Records a return: a negative ticket against a ticket of this register, or — `reserved` — of any
 * register of the store, whose units central reserved first. Same transaction discipline as a
 * sale. Quantities already returned come from `returned_quantities` (this register's own tickets)
 * and from central's answer, so the lines of a ticket can never be refunded beyond what was sold,
 * across any number of partial returns. Refunds are given as positive amounts and stored as
 * negative payments. The payload signs which original lines it refunds (`returnedLines`) and the
 * reservation it used.
 */
export function createReturn(ctx: RegisterContext, req: ReturnRequest, actor: Actor, approver: Approver | null = null, reserved?: ReservedOriginal): SaleOutcome {
  const identity = requireIdentity(ctx);
  if (trainingEnabled(ctx)) throw new ComptoirError('RETURN_REFUSED', 'Returns are not available in training mode: leave training mode first', { reason: 'training' });
  const outcome = withDaysClosed(ctx, actor.cashierId, (): SaleOutcome => {
    const replay = replayOf(ctx, req.clientSaleId);
    if (replay) return replay;
    const registerId = req.original.registerId ?? identity.registerId;
    const own = registerId === identity.registerId;
    let lines: TicketPayload['lines'];
    let customerId: string | null;
    const already: Record<number, number> = {};
    if (own) {
      const original = ctx.q.ticketByNumber.get(req.original.number);
      if (!original || original.kind !== 'sale') {
        throw new ComptoirError('RETURN_REFUSED', `No sale numbered ${req.original.number} on this register`);
      }
      const sold = loadTicketPayload(ctx, original.number);
      refuseGiftCardReturn(sold, req.original.number);
      lines = sold.lines;
      customerId = original.customer_id;
      for (const r of ctx.q.returnedByLine.all(original.number)) already[r.line_no] = r.quantity;
    } else {
      if (!reserved) throw new ComptoirError('UNAVAILABLE_OFFLINE', 'A ticket of another register is returned through the central server');
      lines = reserved.lines;
      customerId = reserved.customerId;
    }
    // What every register returned, as central counts it (this register's own may be newer locally).
    for (const [lineNo, q] of Object.entries(reserved?.before ?? {})) already[Number(lineNo)] = Math.max(already[Number(lineNo)] ?? 0, q);
    const approvedBy = requireApproval(approver, storeRules(ctx).returnsNeedApproval ? ['return'] : []);
    const built = buildReturn(lines, already, req);
    const cart = priced(priceLines(built), 'RETURN_REFUSED');
    checkMethods(ctx, req.refunds);
    const refunds = req.refunds.map((r) => ({ method: r.method, amountCents: -r.amountCents }));
    const settlement = settled(ctx, cart.totalCents, refunds, cart.totalCents);
    // A refund as an avoir: this return ticket issues it; its reference names this register and the ticket's number.
    if (settlement.payments.filter((p) => p.method === 'credit_note').length > 1) {
      throw new ComptoirError('PAYMENT_REFUSED', 'A return issues at most one credit note', { reason: 'credit_note_once' });
    }
    const returnNumber = (ctx.q.chainHead.get('ticket')?.number ?? 0) + 1;
    const refundLines = settlement.payments.map((p) => (p.method === 'credit_note' ? { ...p, reference: creditNoteReference(identity.registerId, returnNumber) } : p));

    const perLine = new Map<number, number>();
    for (const l of req.lines) perLine.set(l.lineNo, (perLine.get(l.lineNo) ?? 0) + l.quantity);
    const { outcome, number } = commitTicket(ctx, identity, actor, {
      kind: 'return',
      customerId,
      cart,
      payments: refundLines,
      changeCents: 0,
      original: { registerId, number: req.original.number },
      returnedLines: [...perLine].map(([lineNo, quantity]) => ({ lineNo, quantity })),
      ...(reserved ? { reservationId: reserved.reservationId } : {}),
      clientSaleId: req.clientSaleId ?? null,
      training: false,
      approvedBy,
    });
    // returned_quantities keeps this register's own tickets; another register's are counted at central.
    if (own) for (const [lineNo, qty] of perLine) ctx.q.insertReturned.run(req.original.number, lineNo, number, qty);
    return outcome;
  });
  if (outcome.created) ctx.recordsAppended();
  return outcome;
}

/**
 * Phases 3–4, shared by sales and returns (inside the caller's transaction): stamp the ticket
 * (time, offline flag), sign and chain it with its outbox row, then its ticket row and one stock
 * movement per line (a return line has a negative quantity, so it puts stock back).
 */
function commitTicket(
  ctx: RegisterContext,
  identity: { registerId: string; storeId: string },
  actor: Actor,
  t: {
    kind: TicketPayload['kind'];
    customerId: string | null;
    cart: PricedCart;
    payments: TicketPayload['payments'];
    changeCents: number;
    original: TicketPayload['original'];
    returnedLines?: TicketPayload['returnedLines'];
    reservationId?: string;
    giftCard?: TicketPayload['giftCard'];
    clientSaleId: string | null;
    training: boolean;
    approvedBy: ApprovedBy | undefined;
  },
): { outcome: SaleOutcome; number: number } {
  let soldAt = ctx.now().toISOString();
  const soldOffline = ctx.mode() !== 'connected';
  const payload: TicketPayload = {
    type: 'ticket',
    kind: t.kind,
    storeId: identity.storeId,
    cashierId: actor.cashierId,
    customerId: t.customerId,
    soldOffline,
    lines: t.cart.lines.map(ticketLine),
    vat: t.cart.vat,
    totalCents: t.cart.totalCents,
    payments: t.payments,
    changeCents: t.changeCents,
    original: t.original,
    ...(t.returnedLines ? { returnedLines: t.returnedLines } : {}),
    ...(t.reservationId ? { reservationId: t.reservationId } : {}),
    ...(t.approvedBy ? { approvedBy: t.approvedBy } : {}),
    ...(t.giftCard ? { giftCard: t.giftCard } : {}),
  };
  if (t.training) {
    // The training chain only: no ticket row (numbers, returns, documents), no stock movement.
    const rec = appendRecord(ctx, 'training', payload, soldAt);
    return { outcome: { created: true, sale: response(identity.registerId, rec.number, rec.signature, payload, rec.recordedAt, true) }, number: rec.number };
  }
  const rec = appendRecord(ctx, 'ticket', payload, soldAt);
  soldAt = rec.recordedAt;
  ctx.q.insertTicket.run(
    rec.number, t.kind, t.cart.totalCents, soldAt, actor.cashierId, t.customerId,
    t.clientSaleId, soldOffline ? 1 : 0, t.original?.registerId ?? null, t.original?.number ?? null,
  );
  for (const line of payload.lines) {
    ctx.q.insertMovement.run(line.sku, -line.quantity, rec.number, soldAt);
    ctx.q.moveStock.run(line.sku, -line.quantity);
  }
  return { outcome: { created: true, sale: response(identity.registerId, rec.number, rec.signature, payload, soldAt, false) }, number: rec.number };
}

function buildReturn(lines: TicketPayload['lines'], already: Record<number, number>, req: ReturnRequest): LineInput[] {
  const r = buildReturnLines(lines, already, req.lines);
  if (!r.ok) throw new ComptoirError('RETURN_REFUSED', r.message, { reason: r.code });
  return r.value;
}

function ticketLine(l: PricedCart['lines'][number]): TicketPayload['lines'][number] {
  return {
    lineNo: l.lineNo,
    sku: l.sku,
    label: l.label,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
    vatRate: l.vatRate,
    discountCents: l.discountCents,
    totalCents: l.totalCents,
  };
}

function response(registerId: string, number: number, signature: string, p: TicketPayload, soldAt: string, training: boolean): SaleResponse {
  return {
    registerId,
    number,
    kind: p.kind,
    totalCents: p.totalCents,
    changeCents: p.changeCents,
    soldOffline: p.soldOffline,
    lines: p.lines,
    vat: p.vat,
    payments: p.payments,
    signature,
    soldAt,
    training,
    ...(p.giftCard ? { giftCard: p.giftCard } : {}),
  };
}

function loadTicketPayload(ctx: RegisterContext, number: number): TicketPayload {
  const row = ctx.q.recordByKey.get('ticket', number);
  if (!row) throw new ComptoirError('INTERNAL', `Ticket ${number} has no record`);
  return JSON.parse(row.payload) as TicketPayload;
}

/** Phase 1 of every ticket (inside its transaction): a known `clientSaleId` answers the ticket already made (created=false). */
function replayOf(ctx: RegisterContext, clientSaleId: string | undefined): SaleOutcome | null {
  const known = clientSaleId ? ctx.q.ticketByClientSaleId.get(clientSaleId) : undefined;
  return known ? { created: false, sale: loadSaleResponse(ctx, known.number) } : null;
}

function loadSaleResponse(ctx: RegisterContext, number: number): SaleResponse {
  const row = ctx.q.recordByKey.get('ticket', number)!;
  return response(ctx.identity!.registerId, number, row.signature, JSON.parse(row.payload) as TicketPayload, row.recorded_at, false);
}
