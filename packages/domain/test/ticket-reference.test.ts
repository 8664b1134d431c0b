import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STORE_CODE_PATTERN, defaultStoreCode, formatTicketReference, parseTicketReference } from '../src/ticket-reference';

describe('ticket reference', () => {
  it('prints store, register and a 6-digit ticket number', () => {
    assert.equal(formatTicketReference({ storeCode: 'S01', registerNumber: 2, ticketNumber: 123 }), 'S01-C2-000123');
    assert.equal(formatTicketReference({ storeCode: 'LYON2', registerNumber: 14, ticketNumber: 1234567 }), 'LYON2-C14-1234567');
  });

  it('reads back what it prints, for any store code, register and number', () => {
    const code = fc.stringMatching(STORE_CODE_PATTERN);
    fc.assert(
      fc.property(code, fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 1, max: 999_999_999_999 }), (storeCode, registerNumber, ticketNumber) => {
        const ref = { storeCode, registerNumber, ticketNumber };
        assert.deepEqual(parseTicketReference(formatTicketReference(ref)), ref);
      }),
    );
  });

  it('accepts a scanner lower case and spaces around; refuses anything else', () => {
    assert.deepEqual(parseTicketReference('  s01-c2-000123\n'), { storeCode: 'S01', registerNumber: 2, ticketNumber: 123 });
    for (const bad of ['', '123', '3760000000017', 'S01-C2-123', 'S01-C0-000123', 'S01-2-000123', '1S-C2-000123', 'S01-C2-000000', 'S01-C2-0001a3', 'S01C2000123', 'S01-C2-0000001234567', 'S01-C2-000123X', 'S01-C2-000123-1']) {
      assert.equal(parseTicketReference(bad), null, bad);
    }
  });

  it('default store codes follow the rank and match the pattern', () => {
    assert.equal(defaultStoreCode(1), 'S01');
    assert.equal(defaultStoreCode(42), 'S42');
    assert.equal(defaultStoreCode(100), 'S100');
    for (const n of [1, 9, 10, 99, 100, 99999]) assert.match(defaultStoreCode(n), STORE_CODE_PATTERN);
  });
});
