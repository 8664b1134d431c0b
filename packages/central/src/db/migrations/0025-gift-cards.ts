import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Gift cards (cartes cadeaux, issue 12 item 3, docs/architecture.md §25), on the avoirs' mechanism:
// - `credit_notes` now holds every stored value a pushed ticket issued — an avoir (a return's
//   refund) or a gift card (a ticket selling one) — told apart by `kind`; `return_number` is the
//   issuing ticket's number for both. Their spends stay in `credit_note_spends` (keyed by reservation
//   id, by reference): one spend-once mechanism for both kinds, one definition for both dialects.
// - `stores.gift_card_max_cents`: the most one card may be sold for (default 50000 = 500,00 €).

export function giftCardsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('credit_notes').addColumn('kind', 'text', (c) => c.notNull().defaultTo('credit_note')).execute();
      await db.schema.alterTable('stores').addColumn('gift_card_max_cents', 'integer', (c) => c.notNull().defaultTo(50000)).execute();
    },
  };
}
