import { createRequire } from 'node:module';
import { ComptoirError, type ReceiptStore } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

/** The software name and version printed on every receipt (NF525 mention), read once. */
const SOFTWARE = (() => {
  const pkg = createRequire(import.meta.url)('@comptoir/register/package.json') as { version: string };
  return { name: 'Comptoir', version: pkg.version };
})();

type StoreRow = { id: string; name: string; address: string; siret: string; vat_number: string; timezone: string };

/** The store's legal identity from the SOS copy (so receipts print the same offline). */
export function readStoreIdentity(ctx: RegisterContext): ReceiptStore {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const row = ctx.sqlite
    .prepare('SELECT id, name, address, siret, vat_number, timezone FROM copy_store WHERE id = ?')
    .get(identity.storeId) as StoreRow | undefined;
  if (!row) throw new ComptoirError('NOT_FOUND', 'The store identity is not in the local copy yet (no SOS copy made)');
  return {
    storeId: row.id,
    name: row.name,
    address: row.address,
    siret: row.siret,
    vatNumber: row.vat_number,
    timezone: row.timezone,
    registerId: identity.registerId,
    registerName: identity.registerName,
    softwareName: SOFTWARE.name,
    softwareVersion: SOFTWARE.version,
  };
}
