// The price a sale line is charged (issue 12, open-price items). One rule for the register (which
// prices every line of a sale with it) and for central (which checks a pushed ticket's prices):
// - a product at its catalog price (no cap) is charged its catalog price; a price typed for it is refused;
// - an open-price item (a cap) is charged the price the cashier typed, which must be above 0 and at most the cap.

import { ok, type Ok } from './result';

export interface PricedProduct {
  priceCents: number;
  /** The cap of an open-price item; null for a product at its catalog price. */
  openPriceMaxCents: number | null;
}

export type LinePriceError = 'OPEN_PRICE_REQUIRED' | 'OPEN_PRICE_ABOVE_CAP' | 'PRICE_NOT_OPEN';
type Refused = { ok: false; code: LinePriceError; message: string };
const err = (code: LinePriceError, message: string): Refused => ({ ok: false, code, message });

/** The unit price a line is sold at, or why the typed price (`typedCents`, undefined when none) is refused. */
export function linePrice(product: PricedProduct, typedCents: number | undefined): Ok<number> | Refused {
  if (product.openPriceMaxCents === null) {
    return typedCents === undefined ? ok(product.priceCents) : err('PRICE_NOT_OPEN', 'This product is sold at its catalog price: no price may be typed for it');
  }
  if (typedCents === undefined) return err('OPEN_PRICE_REQUIRED', 'An open-price item needs the price the cashier typed');
  if (!Number.isSafeInteger(typedCents) || typedCents <= 0) return err('OPEN_PRICE_REQUIRED', 'The typed price must be a positive number of cents');
  if (typedCents > product.openPriceMaxCents) return err('OPEN_PRICE_ABOVE_CAP', `The typed price is above this item's cap (${product.openPriceMaxCents} cents)`);
  return ok(typedCents);
}

/** Whether a price signed on a ticket is one the catalog allows for that product (central's `price_differs` check). */
export function priceAllowed(product: PricedProduct, unitPriceCents: number): boolean {
  return product.openPriceMaxCents === null ? unitPriceCents === product.priceCents : unitPriceCents > 0 && unitPriceCents <= product.openPriceMaxCents;
}
