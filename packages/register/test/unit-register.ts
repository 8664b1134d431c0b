// A register context for unit tests of the sync side: a real (temporary) register database,
// migrated, with an enrolled identity; the folders are removed after the file's tests.
import { after } from 'node:test';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { migrateToLatest, openSqliteFile, sqliteKysely } from '@comptoir/db';
import { generateSigningKeyPair, keyIdOf } from '@comptoir/domain';
import { createContext, type RegisterContext } from '../src/context';
import { registerMigrations } from '../src/db/migrations';
import type { RegisterDatabase } from '../src/db/schema';
import { silent, tmp } from './helpers';

const dirs: { cleanup(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.cleanup();
});

export async function registerContext(): Promise<RegisterContext> {
  const dir = await tmp();
  dirs.push(dir);
  const sqlite = openSqliteFile(join(dir.path, 'register.sqlite'));
  const db = sqliteKysely<RegisterDatabase>(sqlite);
  await migrateToLatest(db, registerMigrations);
  const ctx = createContext({ db, sqlite, logger: silent, keyFile: join(dir.path, 'key.pem') });
  const keys = generateSigningKeyPair();
  ctx.identity = { registerId: 'reg-unit', registerName: 'Caisse', storeId: 'store-1', token: 't', privateKey: createPrivateKey(keys.privateKeyPem), publicKeyPem: keys.publicKeyPem, keyId: keyIdOf(keys.publicKeyPem) };
  return ctx;
}
