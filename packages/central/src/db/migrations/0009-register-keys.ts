import { createHash, createPublicKey } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Keys (issue 10): central keeps every key a register ever had, append-only (a key is valid from its
// row's `valid_from` until the next key's), and every record names the key that signed it
// (`records.key_id`, null on records signed before keys had ids). Registers enrolled before this
// migration get their one key, valid from their enrolment.

export function registerKeysMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('register_keys')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('public_key_pem', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('register_keys_pk', ['register_id', 'key_id'])
        .execute();
      await db.schema.alterTable('records').addColumn('key_id', 'text').execute();
      const enrolled = await db.selectFrom('registers').select(['id', 'public_key_pem', 'enrolled_at']).where('public_key_pem', 'is not', null).execute();
      for (const r of enrolled as { id: string; public_key_pem: string; enrolled_at: string | null }[]) {
        const keyId = createHash('sha256').update(createPublicKey(r.public_key_pem).export({ type: 'spki', format: 'der' })).digest('hex');
        await db
          .insertInto('register_keys')
          .values({ register_id: r.id, key_id: keyId, public_key_pem: r.public_key_pem, valid_from: r.enrolled_at ?? '1970-01-01T00:00:00.000Z' })
          .execute();
      }
    },
  };
}
