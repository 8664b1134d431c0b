// Shared fast-check generators for the domain tests.
import fc from 'fast-check';
import type { LineInput } from '../src/cart';
import { FRENCH_VAT_RATES } from '../src/vat';

export const vatRateArb = fc.constantFrom<number>(...FRENCH_VAT_RATES, 0);

/** A valid sale line (positive quantity), discount anywhere in [0, gross]. */
export const saleLineArb: fc.Arbitrary<LineInput> = fc
  .record({
    sku: fc.stringMatching(/^[A-Z0-9]{1,8}$/),
    label: fc.string({ maxLength: 12 }),
    unitPriceCents: fc.integer({ min: 0, max: 200_000 }),
    vatRate: vatRateArb,
    quantity: fc.integer({ min: 1, max: 12 }),
  })
  .chain((l) =>
    fc.integer({ min: 0, max: l.unitPriceCents * l.quantity }).map((discountCents) => ({ ...l, discountCents })),
  );

export const saleCartArb = fc.array(saleLineArb, { minLength: 1, maxLength: 10 });

/** A valid cart: all sale lines, or the same lines as return lines (negative quantities). */
export const cartArb = fc
  .tuple(saleCartArb, fc.boolean())
  .map(([lines, asReturn]) => (asReturn ? lines.map((l) => ({ ...l, quantity: -l.quantity })) : lines));
