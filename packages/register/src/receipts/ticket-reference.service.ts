import { formatTicketReference, parseTicketReference } from '@comptoir/domain';
import { ComptoirError, type TicketReferenceLookup } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

// Ticket references (issue 12, docs/architecture.md §18): `S01-C2-000123` names one ticket of the
// chain — store code, register number in the store, ticket number. Both come from the copy's store
// line (what central sent with `?with=references`), so references print and resolve offline too.
// A copy made before references existed holds none: receipts then print no reference.

type StoreRegister = { id: string; name: string; number: number };

interface StoreReferences {
  storeCode: string;
  registers: StoreRegister[];
}

function storeReferences(ctx: RegisterContext): StoreReferences | null {
  const storeId = ctx.identity?.storeId;
  if (!storeId) return null;
  const row = ctx.sqlite.prepare('SELECT code, registers FROM copy_store WHERE id = ?').get(storeId) as
    | { code: string | null; registers: string | null }
    | undefined;
  if (!row?.code || !row.registers) return null;
  return { storeCode: row.code, registers: JSON.parse(row.registers) as StoreRegister[] };
}

/** The printed reference of ticket `number` of register `registerId` (this store); null when the copy holds no references. */
export function ticketReferenceOf(ctx: RegisterContext, registerId: string, number: number): string | null {
  const refs = storeReferences(ctx);
  const register = refs?.registers.find((r) => r.id === registerId);
  if (!refs || !register) return null;
  return formatTicketReference({ storeCode: refs.storeCode, registerNumber: register.number, ticketNumber: number });
}

/**
 * The ticket a scanned or typed reference names. Not a reference → 400 VALIDATION; another store's
 * code, a register number the store does not have, or one of this register's numbers it never
 * printed → 404 NOT_FOUND (`details.reason`). Another register's ticket is named, not read: the
 * caller reads it through central (returnable, quote), which says whether it exists.
 */
export function lookupTicketReference(ctx: RegisterContext, text: string): TicketReferenceLookup {
  const ref = parseTicketReference(text);
  if (!ref) throw new ComptoirError('VALIDATION', `"${text}" is not a ticket reference such as S01-C2-000123`, { field: 'reference' });
  const refs = storeReferences(ctx);
  if (!refs) throw new ComptoirError('NOT_FOUND', 'This register holds no ticket references yet (no copy since they exist)', { reason: 'no_references' });
  if (ref.storeCode !== refs.storeCode) {
    throw new ComptoirError('NOT_FOUND', `Ticket ${text} belongs to store ${ref.storeCode}, not to this store (${refs.storeCode})`, { reason: 'other_store' });
  }
  const register = refs.registers.find((r) => r.number === ref.registerNumber);
  if (!register) throw new ComptoirError('NOT_FOUND', `The store has no register number ${ref.registerNumber}`, { reason: 'unknown_register' });
  const own = register.id === ctx.identity?.registerId;
  if (own && !ctx.q.ticketByNumber.get(ref.ticketNumber)) {
    throw new ComptoirError('NOT_FOUND', `This register has no ticket number ${ref.ticketNumber}`, { reason: 'unknown_ticket' });
  }
  return { reference: formatTicketReference(ref), registerId: register.id, registerName: register.name, number: ref.ticketNumber, own };
}
