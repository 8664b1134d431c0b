import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ReturnedUnitsResponse, StoreRegister, StoreRegistersResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

// The store's other registers, as this register keeps them for the LAN path (docs/architecture.md
// §17): refreshed from central while connected (after each copy and every few heartbeats), read
// when central is gone. Phases of a refresh: fetch the registers (URL, keys) → fetch the units of
// this register's tickets other registers returned through central since the last pull (and the
// spends of its avoirs and gift cards by them; and the reservations of both freed since), minus an overlap (rows are keyed by reservation and line: seen twice, counted once) → store both in one
// transaction. Invariant: a register never calls or trusts a peer its copy does not list.

/** Overlap of two pulls of returned units: a row committed late at central (long transaction) is not missed. */
const RETURNED_UNITS_OVERLAP_MS = 5 * 60_000;

export interface StoreRegistersCentral {
  storeRegisters(): Promise<StoreRegistersResponse>;
  returnedUnits(since: string | null): Promise<ReturnedUnitsResponse>;
}

export async function refreshStoreRegisters(ctx: RegisterContext, central: StoreRegistersCentral): Promise<void> {
  const since = (ctx.sqlite.prepare('SELECT returned_units_since AS s FROM register_meta WHERE id = 1').get() as { s: string | null }).s;
  const [regs, units] = await Promise.all([central.storeRegisters(), central.returnedUnits(since)]);
  const now = ctx.now().toISOString();
  const next = new Date(Date.parse(units.serverTime) - RETURNED_UNITS_OVERLAP_MS).toISOString();
  ctx.sqlite.transaction(() => {
    ctx.sqlite.prepare('DELETE FROM store_registers').run();
    const put = ctx.sqlite.prepare('INSERT INTO store_registers (register_id, name, url, keys, refreshed_at) VALUES (?, ?, ?, ?, ?)');
    for (const r of regs.items) put.run(r.registerId, r.name, r.url, JSON.stringify(r.keys), now);
    const unit = ctx.sqlite.prepare(
      `INSERT INTO store_returned_units (reservation_id, line_no, original_number, quantity, returning_register_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reservation_id, line_no) DO UPDATE SET quantity = excluded.quantity`,
    );
    // First the reservations central freed since (no return used them): their units no longer count.
    // Only a row learned from central matches (its id and central's time); freeing before the upsert
    // lets a later reservation under the same id in.
    const freedUnits = ctx.sqlite.prepare('DELETE FROM store_returned_units WHERE reservation_id = ? AND created_at = ?');
    for (const r of units.releasedReservations ?? []) freedUnits.run(r.reservationId, r.createdAt);
    for (const u of units.items) unit.run(u.reservationId, u.lineNo, u.originalNumber, u.quantity, u.returningRegisterId, u.createdAt);
    // Spends of this register's avoirs and gift cards by other registers through central (§19, §25): counted here too, so that offline this register never lets spend again what central let another till spend. Keyed by reservation: seen twice, counted once.
    // First those central freed since (their sale refused after the reserve): no longer counted. Only a
    // spend learned from central goes (another till's, stamped with central's time): this register's own
    // rows and the LAN reservations it made for peers carry its own time, and a later spend under the
    // same id carries another; freeing before inserting lets such a later spend in.
    const freed = ctx.sqlite.prepare('DELETE FROM credit_note_spends WHERE reservation_id = ? AND created_at = ? AND spending_register_id != ?');
    for (const r of units.releasedStoredValueSpends ?? []) freed.run(r.reservationId, r.createdAt, ctx.identity?.registerId ?? '');
    const spend = ctx.sqlite.prepare('INSERT OR IGNORE INTO credit_note_spends (reservation_id, reference, amount_cents, spending_register_id, created_at) VALUES (?, ?, ?, ?, ?)');
    for (const s of units.storedValueSpends ?? []) spend.run(s.reservationId, s.reference, s.amountCents, s.spendingRegisterId, s.createdAt);
    ctx.sqlite.prepare('UPDATE register_meta SET returned_units_since = ? WHERE id = 1').run(next);
  })();
  keyCache.clear();
}

type Row = { register_id: string; name: string; url: string | null; keys: string };
const toStoreRegister = (r: Row): StoreRegister => ({ registerId: r.register_id, name: r.name, url: r.url, keys: JSON.parse(r.keys) as StoreRegister['keys'] });

/** Another register of the store, from this register's copy (undefined when unknown). */
export function storeRegister(ctx: RegisterContext, registerId: string): StoreRegister | undefined {
  const row = ctx.sqlite.prepare('SELECT register_id, name, url, keys FROM store_registers WHERE register_id = ?').get(registerId) as Row | undefined;
  return row ? toStoreRegister(row) : undefined;
}

/** True when some register of the store is listed without a URL yet (refresh sooner). */
export function storeRegistersIncomplete(ctx: RegisterContext): boolean {
  return ctx.sqlite.prepare('SELECT 1 FROM store_registers WHERE url IS NULL LIMIT 1').get() !== undefined;
}

const keyCache = new Map<string, KeyObject>();

/** The public key `keyId` of a register of the store, parsed once. */
export function storeRegisterKey(ctx: RegisterContext, registerId: string, keyId: string): KeyObject | undefined {
  const cacheKey = `${registerId}:${keyId}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  const pem = storeRegister(ctx, registerId)?.keys.find((k) => k.keyId === keyId)?.publicKeyPem;
  if (!pem) return undefined;
  const key = createPublicKey(pem);
  keyCache.set(cacheKey, key);
  return key;
}

/** The register of the store whose id starts with `prefix` (8 hex, as a credit note reference names it). */
export function storeRegisterByPrefix(ctx: RegisterContext, prefix: string): StoreRegister | undefined {
  const row = ctx.sqlite
    .prepare("SELECT register_id, name, url, keys FROM store_registers WHERE substr(upper(replace(register_id, '-', '')), 1, 8) = ? LIMIT 1")
    .get(prefix.toUpperCase()) as Row | undefined;
  return row ? toStoreRegister(row) : undefined;
}
