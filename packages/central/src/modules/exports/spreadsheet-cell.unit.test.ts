// Formula cells in the CSV files a manager opens in a spreadsheet: neutralised on the way out,
// read back unchanged by the catalog import; plain numbers (negative amounts) stay numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SPREADSHEET_SAFE, spreadsheetCell, spreadsheetCellRead } from './spreadsheet-cell';
import { journalCsv } from '../accounting/sales-journal.service';

test('every formula start is prefixed with a quote, other cells are untouched', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    assert.equal(spreadsheetCell(`${start}HYPERLINK("http://x","y")`), `'${start}HYPERLINK("http://x","y")`);
  }
  assert.equal(spreadsheetCell('=1+1'), "'=1+1");
  assert.equal(spreadsheetCell('-1+2'), "'-1+2");
  assert.equal(spreadsheetCell('Café crème'), 'Café crème');
  assert.equal(spreadsheetCell('a=b'), 'a=b');
  assert.equal(spreadsheetCell(''), '');
  // A plain (negative) number is not a formula: amounts keep their value.
  assert.equal(spreadsheetCell('-12,50'), '-12,50');
  assert.equal(spreadsheetCell('-3'), '-3');
  assert.equal(spreadsheetCell('-3.5'), '-3.5');
});

test('what is written is read back as it was (the catalog round-trips)', () => {
  const cells = ['=HYPERLINK("http://evil","Cliquez")', '+33 6', '-20 % promo', '@SUM(A1)', '\tindent', "'déjà cité", 'simple', '-12,50'];
  const csv = stringify([cells], { delimiter: ';', ...SPREADSHEET_SAFE });
  const [written] = parse(csv, { delimiter: ';' }) as string[][];
  assert.deepEqual(written, ["'=HYPERLINK(\"http://evil\",\"Cliquez\")", "'+33 6", "'-20 % promo", "'@SUM(A1)", "'\tindent", "'déjà cité", 'simple', '-12,50']);
  assert.deepEqual(written!.map(spreadsheetCellRead), cells);
});

test('the sales journal CSV keeps negative amounts as numbers and has no live formula', () => {
  const totals = { ticketCount: 2, salesCents: 1000, returnsCents: 250, netCents: 750, giftCardsIssuedCents: 0, vat: [{ rate: 2000, baseCents: 625, vatCents: 125, totalCents: 750 }], payments: [{ method: 'cash' as const, amountCents: -250 }], cashDifferenceCents: -1250 };
  const csv = journalCsv({ storeId: 's1', from: '2026-01-01', to: '2026-01-01', days: [{ day: '2026-01-01', closed: true, drawers: [], ...totals }], totals });
  const rows = parse(csv, { delimiter: ';', bom: true }) as string[][];
  assert.ok(rows.flat().includes('-12,50'), 'the cash difference stays a number');
  assert.ok(rows.flat().includes('-2,50'), 'a negative payment total stays a number');
  for (const cell of rows.flat()) assert.ok(!/^[=+@\t\r]/.test(cell) && !/^-(?!\d+(,\d+)?$)/.test(cell), `no formula cell: ${JSON.stringify(cell)}`);
});
