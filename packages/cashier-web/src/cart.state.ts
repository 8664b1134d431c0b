/// <reference lib="dom" />
import type { LocalCustomer, LocalProduct, SaleRequest } from '@comptoir/protocol';
import { spreadTicketDiscount, ticketDiscountCents, type TicketDiscount } from '@comptoir/domain/ticket-discount';
import { mealVoucherEligibleCents } from '@comptoir/domain/meal-voucher';

// The sale being built on screen. Pure state transitions (a reducer); the register prices the
// sale again from its own copy when it is posted, so these totals are a preview only.
// Invariant: quantities ≥ 1, 0 ≤ discount ≤ line gross. Saved in sessionStorage so a reload
// (even offline) keeps the sale in progress.

export type CartLine = {
  key: number;
  sku: string;
  label: string;
  unitPriceCents: number;
  vatRate: number;
  quantity: number;
  discountCents: number;
  /** An open-price item: `unitPriceCents` is the price the cashier typed, sent with the sale (the register checks the cap). */
  openPrice?: boolean;
  /** `false`: meal vouchers may not pay for this item (not food, §24); absent = eligible (a cart saved before, too). */
  mealVoucherEligible?: false;
};

/** `ticketDiscount`: on the whole ticket, spread over the lines by the register (and here for the preview). */
export type Cart = { lines: CartLine[]; customer: LocalCustomer | null; nextKey: number; ticketDiscount?: TicketDiscount | null };

export type CartAction =
  /** `unitPriceCents`: the price typed for an open-price item (OpenPriceDialog). */
  | { type: 'add'; product: LocalProduct; quantity?: number; unitPriceCents?: number }
  | { type: 'restore'; lines: Omit<CartLine, 'key'>[]; customer: LocalCustomer | null }
  | { type: 'quantity'; key: number; quantity: number }
  | { type: 'discount'; key: number; discountCents: number }
  | { type: 'remove'; key: number }
  | { type: 'customer'; customer: LocalCustomer | null }
  | { type: 'ticketDiscount'; discount: TicketDiscount | null }
  | { type: 'clear' };

export const emptyCart: Cart = { lines: [], customer: null, nextKey: 1 };

const gross = (l: CartLine) => l.unitPriceCents * l.quantity;
export const lineTotal = (l: CartLine) => gross(l) - l.discountCents;
const linesTotal = (c: Cart) => c.lines.reduce((s, l) => s + lineTotal(l), 0);
/** The whole-ticket discount in cents as the register will spread it (0 when none or it does not fit). */
export function ticketDiscountOf(c: Cart): number {
  if (!c.ticketDiscount || c.lines.length === 0) return 0;
  const spread = spreadTicketDiscount(c.lines, c.ticketDiscount);
  return spread.ok ? ticketDiscountCents(linesTotal(c), c.ticketDiscount) : 0;
}
export const cartTotal = (c: Cart) => linesTotal(c) - ticketDiscountOf(c);
/**
 * What meal vouchers may pay of the cart (§24): its eligible lines after their discounts and their
 * share of the ticket discount, spread as the register spreads it (which checks again).
 */
export function cartMealVoucherEligible(c: Cart): number {
  const spread = c.ticketDiscount && ticketDiscountOf(c) > 0 ? spreadTicketDiscount(c.lines, c.ticketDiscount) : null;
  const lines = spread?.ok ? spread.value : c.lines;
  return mealVoucherEligibleCents(lines.map((l, i) => ({ totalCents: l.unitPriceCents * l.quantity - (l.discountCents ?? 0), mealVoucherEligible: c.lines[i]!.mealVoucherEligible !== false })));
}

export function cartReducer(cart: Cart, a: CartAction): Cart {
  switch (a.type) {
    case 'add': {
      // A second scan of the same product (without discount) adds to its line (one unit, or the multiplier's).
      const n = Math.max(1, Math.min(10000, Math.floor(a.quantity ?? 1)));
      // An open-price item without its typed price is not added; with it, each typed price is its own line.
      const open = a.product.openPriceMaxCents !== null;
      if (open && (a.unitPriceCents === undefined || a.unitPriceCents <= 0 || a.unitPriceCents > a.product.openPriceMaxCents!)) return cart;
      const same = open ? undefined : cart.lines.find((l) => l.sku === a.product.sku && l.discountCents === 0 && !l.openPrice);
      if (same) return cartReducer(cart, { type: 'quantity', key: same.key, quantity: same.quantity + n });
      const line: CartLine = {
        key: cart.nextKey,
        sku: a.product.sku,
        label: a.product.label,
        unitPriceCents: open ? a.unitPriceCents! : a.product.priceCents,
        vatRate: a.product.vatRate,
        quantity: n,
        discountCents: 0,
        ...(open ? { openPrice: true } : {}),
        ...(a.product.mealVoucherEligible === false ? { mealVoucherEligible: false as const } : {}),
      };
      return { ...cart, lines: [...cart.lines, line], nextKey: cart.nextKey + 1 };
    }
    case 'ticketDiscount':
      return { ...cart, ticketDiscount: a.discount };
    case 'restore':
      // A recalled sale on hold becomes the sale in progress.
      return { ticketDiscount: null, lines: a.lines.map((l, i) => ({ ...l, key: i + 1 })), customer: a.customer, nextKey: a.lines.length + 1 };
    case 'quantity': {
      const q = Math.max(1, Math.min(10000, Math.floor(a.quantity)));
      return {
        ...cart,
        lines: cart.lines.map((l) => (l.key === a.key ? { ...l, quantity: q, discountCents: Math.min(l.discountCents, l.unitPriceCents * q) } : l)),
      };
    }
    case 'discount':
      return {
        ...cart,
        lines: cart.lines.map((l) => (l.key === a.key ? { ...l, discountCents: Math.max(0, Math.min(gross(l), Math.floor(a.discountCents))) } : l)),
      };
    case 'remove':
      return { ...cart, lines: cart.lines.filter((l) => l.key !== a.key) };
    case 'customer':
      return { ...cart, customer: a.customer };
    case 'clear':
      return emptyCart;
  }
}

export function saleLines(cart: Cart): SaleRequest['lines'] {
  return cart.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    ...(l.discountCents > 0 ? { discountCents: l.discountCents } : {}),
    ...(l.openPrice ? { unitPriceCents: l.unitPriceCents } : {}),
  }));
}

const KEY = 'comptoir.cart';
export function loadCart(): Cart {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Cart) : emptyCart;
  } catch {
    return emptyCart;
  }
}
export function saveCart(cart: Cart): void {
  sessionStorage.setItem(KEY, JSON.stringify(cart));
}
