import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Key rotation and till replacement (issue 10): a register key's validity by position. Per chain,
// a key signs the numbers after `start_after` (JSON {chain: number}; null: from record 1) up to
// `end_at` (JSON; null: still current), and `valid_to` is when it was retired. A rotation (a signed
// `key_end` event naming the next key) or the enrolment of a replacement till sets the old key's end
// and the new key's start at the same chain heads. Rows are only ever added or retired once.

export function keyValidityMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('register_keys').addColumn('start_after', 'text').execute();
      await db.schema.alterTable('register_keys').addColumn('end_at', 'text').execute();
      await db.schema.alterTable('register_keys').addColumn('valid_to', 'text').execute();
    },
  };
}
