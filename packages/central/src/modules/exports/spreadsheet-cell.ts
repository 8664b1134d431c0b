import type { Options } from 'csv-stringify/sync';

// CSV files a manager opens in a spreadsheet (catalog export, sales journal). A cell that starts
// with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and Sheets as a
// formula (`=HYPERLINK("http://…","Cliquez")`, `@SUM(…)`, DDE): such a cell is neutralised by a
// leading `'`, which the spreadsheet shows as text. A plain number (`-12,50`, `-3`) is left alone:
// it is not a formula, and amounts must stay numbers. The FEC is not a spreadsheet file (tab
// text read by the administration's tools, fixed columns): it is not prefixed, and its free text
// already has tabs and line breaks replaced (domain `fecText`).

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** The cell as a spreadsheet will show it as text: `'` before a formula start, unless it is a plain number. */
export function spreadsheetCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** The reverse, for a file we exported coming back (catalog import): `'=x` → `=x`; any other cell unchanged. */
export function spreadsheetCellRead(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) && !PLAIN_NUMBER.test(value.slice(1)) ? value.slice(1) : value;
}

/** csv-stringify options that neutralise every string cell (numbers, booleans and dates are not formulas). */
export const SPREADSHEET_SAFE: Pick<Options, 'cast'> = { cast: { string: (value) => spreadsheetCell(value) } };
