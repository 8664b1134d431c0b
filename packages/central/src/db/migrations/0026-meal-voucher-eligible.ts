import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Meal vouchers pay for food only (issue 12 item 3, docs/architecture.md §24, Code du travail R3262-4):
// a flag per catalog item. Default 1 (eligible): every existing item stays payable in vouchers, so a
// shop that never sets the flag sees nothing change.

export function mealVoucherEligibleMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('products').addColumn('meal_voucher_eligible', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    },
  };
}
