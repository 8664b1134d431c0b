// The store-registers refresh on its own (store-registers.service.ts): a real (temporary) register
// database and a fake central answering each pull; what the register keeps of other tills' spends of
// its avoirs and gift cards, and of the spends central freed since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReturnedUnitsResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../src/context';
import { refreshStoreRegisters, type StoreRegistersCentral } from '../src/returns/store-registers.service';
import { registerContext } from './unit-register';

const OTHER = '5d3a0c55-7b55-4d84-9a51-6f7c7e3f0a01';
const RES_A = '0b9e1c7e-2f6a-4e53-8c1b-1a2b3c4d5e01';
const RES_B = '0b9e1c7e-2f6a-4e53-8c1b-1a2b3c4d5e02';
const REF = 'GC-REG-UNIT-000001';

/** Central as the refresh sees it: each pull answers the next of `answers`; the `since` asked is kept. */
function fakeCentral(answers: Partial<Omit<ReturnedUnitsResponse, 'serverTime'>>[]) {
  const asked: (string | null)[] = [];
  const central: StoreRegistersCentral = {
    async storeRegisters() {
      return { items: [] };
    },
    async returnedUnits(since) {
      asked.push(since);
      const a = answers[asked.length - 1];
      assert.ok(a, 'no more pulls expected');
      return { serverTime: '2026-12-07T10:00:00.000Z', items: [], ...a };
    },
  };
  return { central, asked };
}

const spends = (ctx: RegisterContext) =>
  ctx.sqlite.prepare('SELECT reservation_id AS id, amount_cents AS cents, spending_register_id AS by, created_at AS at FROM credit_note_spends ORDER BY reservation_id').all();

test("a spend central freed is no longer counted; the register's own spends and a later spend under the same id stay", async () => {
  const ctx = await registerContext();
  // This register's own spend of its card, and a LAN reservation it made for a peer while central was down.
  const own = ctx.sqlite.prepare('INSERT INTO credit_note_spends (reservation_id, reference, amount_cents, spending_register_id, created_at) VALUES (?, ?, ?, ?, ?)');
  own.run('own-1', REF, 300, 'reg-unit', '2026-12-07T08:00:00.000Z');
  own.run('lan-1', REF, 200, OTHER, '2026-12-07T08:30:00.000Z');

  const { central, asked } = fakeCentral([
    // Pull 1: another till reserved 7,00 € and 1,00 € of the card through central.
    {
      storedValueSpends: [
        { reservationId: RES_A, reference: REF, amountCents: 700, spendingRegisterId: OTHER, createdAt: '2026-12-07T09:00:00.000Z' },
        { reservationId: RES_B, reference: REF, amountCents: 100, spendingRegisterId: OTHER, createdAt: '2026-12-07T09:01:00.000Z' },
      ],
      releasedStoredValueSpends: [],
    },
    // Pull 2: the 7,00 € was freed (its sale refused) and the till reserved again under the same id;
    // a release naming the LAN row's id at central's time, and one naming the register's own row, free nothing.
    {
      storedValueSpends: [
        { reservationId: RES_B, reference: REF, amountCents: 100, spendingRegisterId: OTHER, createdAt: '2026-12-07T09:01:00.000Z' },
        { reservationId: RES_A, reference: REF, amountCents: 650, spendingRegisterId: OTHER, createdAt: '2026-12-07T09:05:00.000Z' },
      ],
      releasedStoredValueSpends: [
        { reservationId: RES_A, createdAt: '2026-12-07T09:00:00.000Z' },
        { reservationId: 'lan-1', createdAt: '2026-12-07T09:02:00.000Z' },
        { reservationId: 'own-1', createdAt: '2026-12-07T08:00:00.000Z' },
      ],
    },
    // Pull 3: the 1,00 € freed too (seen again with the overlap: nothing more).
    { storedValueSpends: [], releasedStoredValueSpends: [{ reservationId: RES_B, createdAt: '2026-12-07T09:01:00.000Z' }] },
  ]);

  await refreshStoreRegisters(ctx, central);
  assert.deepEqual(spends(ctx).map((s: any) => `${s.id}:${s.cents}`), [`${RES_A}:700`, `${RES_B}:100`, 'lan-1:200', 'own-1:300']);

  await refreshStoreRegisters(ctx, central);
  assert.deepEqual(spends(ctx), [
    { id: RES_A, cents: 650, by: OTHER, at: '2026-12-07T09:05:00.000Z' },
    { id: RES_B, cents: 100, by: OTHER, at: '2026-12-07T09:01:00.000Z' },
    { id: 'lan-1', cents: 200, by: OTHER, at: '2026-12-07T08:30:00.000Z' },
    { id: 'own-1', cents: 300, by: 'reg-unit', at: '2026-12-07T08:00:00.000Z' },
  ]);

  await refreshStoreRegisters(ctx, central);
  assert.deepEqual(spends(ctx).map((s: any) => `${s.id}:${s.cents}`), [`${RES_A}:650`, 'lan-1:200', 'own-1:300']);
  // Each pull asks from the last server time minus the overlap.
  assert.deepEqual(asked, [null, '2026-12-07T09:55:00.000Z', '2026-12-07T09:55:00.000Z']);
});

const units = (ctx: RegisterContext) =>
  ctx.sqlite.prepare('SELECT reservation_id AS id, line_no AS line, quantity AS qty, created_at AS at FROM store_returned_units ORDER BY reservation_id, line_no').all();

test('a return reservation central freed no longer counts; a later reservation under the same id does', async () => {
  const ctx = await registerContext();
  const unit = (reservationId: string, lineNo: number, quantity: number, createdAt: string) => ({ reservationId, lineNo, originalNumber: 7, quantity, returningRegisterId: OTHER, createdAt });
  const { central } = fakeCentral([
    // Pull 1: another till reserved 2 units of line 1 and 1 of line 2 of ticket 7, and 1 more of line 1.
    { items: [unit(RES_A, 1, 2, '2026-12-07T09:00:00.000Z'), unit(RES_A, 2, 1, '2026-12-07T09:00:00.000Z'), unit(RES_B, 1, 1, '2026-12-07T09:01:00.000Z')], releasedReservations: [] },
    // Pull 2: RES_A freed (its return failed), then reserved again under the same id for 1 unit;
    // a release of RES_B at another time frees nothing.
    {
      items: [unit(RES_B, 1, 1, '2026-12-07T09:01:00.000Z'), unit(RES_A, 1, 1, '2026-12-07T09:05:00.000Z')],
      releasedReservations: [
        { reservationId: RES_A, createdAt: '2026-12-07T09:00:00.000Z' },
        { reservationId: RES_B, createdAt: '2026-12-07T09:02:00.000Z' },
      ],
    },
  ]);
  await refreshStoreRegisters(ctx, central);
  assert.deepEqual(units(ctx).map((u: any) => `${u.id}/${u.line}:${u.qty}`), [`${RES_A}/1:2`, `${RES_A}/2:1`, `${RES_B}/1:1`]);
  await refreshStoreRegisters(ctx, central);
  assert.deepEqual(units(ctx), [
    { id: RES_A, line: 1, qty: 1, at: '2026-12-07T09:05:00.000Z' },
    { id: RES_B, line: 1, qty: 1, at: '2026-12-07T09:01:00.000Z' },
  ]);
});
