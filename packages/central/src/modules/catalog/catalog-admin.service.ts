import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SPREADSHEET_SAFE, spreadsheetCellRead } from '../exports/spreadsheet-cell';
import {
  ComptoirError,
  CSV_COLUMNS,
  CsvProductRow,
  MAX_IMPORT_ROWS,
  type ImportResult,
  type Product,
  type PutProductRequest,
  type RejectedRow,
} from '@comptoir/protocol';
import { parseEuros, parseVatPercent } from '@comptoir/domain';
import { nowIso, type Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import { allBarcodes } from './product.repository';
import { getProduct, mealVoucherEligible, openPriceCap } from './product.service';

/** Full edit of a product and its barcodes, under a new change version (registers pull it). */
export async function putProduct(ctx: Ctx, sku: string, req: PutProductRequest): Promise<Product> {
  const barcodes = [...new Set(req.barcodes)];
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('products').select('sku').where('sku', '=', sku).executeTakeFirst();
    if (!existing) throw new ComptoirError('NOT_FOUND', `Unknown product ${sku}`, { sku });
    if (barcodes.length > 0) {
      const taken = await trx.selectFrom('barcodes').select(['code', 'sku']).where('code', 'in', barcodes).where('sku', '<>', sku).execute();
      if (taken.length > 0) throw new ComptoirError('CONFLICT', `Barcode ${taken[0]!.code} already belongs to ${taken[0]!.sku}`, { taken });
    }
    const version = await nextChangeVersion(trx);
    await trx
      .updateTable('products')
      .set({
        label: req.label, price_cents: req.priceCents, vat_rate: req.vatRate, category: req.category, open_price_max_cents: req.openPriceMaxCents,
        meal_voucher_eligible: req.mealVoucherEligible ? 1 : 0, change_version: version, updated_at: nowIso(ctx),
      })
      .where('sku', '=', sku)
      .execute();
    await trx.deleteFrom('barcodes').where('sku', '=', sku).execute();
    if (barcodes.length > 0) await trx.insertInto('barcodes').values(barcodes.map((code) => ({ code, sku }))).execute();
    return getProduct({ ...ctx, db: trx }, sku);
  });
}

export async function listCategories(ctx: Ctx): Promise<{ items: { name: string; products: number }[]; total: number }> {
  const rows = await ctx.db
    .selectFrom('products')
    .select(['category', (eb) => eb.fn.countAll<number>().as('n')])
    .where('active', '=', 1)
    .groupBy('category')
    .orderBy('category')
    .execute();
  const items = rows.map((r) => ({ name: r.category, products: Number(r.n) }));
  return { items, total: items.length };
}

/** The active catalog as CSV (`;`-separated, the import's own format: it round-trips). */
export async function exportCatalogCsv(ctx: Ctx): Promise<string> {
  const [rows, codes] = await Promise.all([
    ctx.db.selectFrom('products').selectAll().where('active', '=', 1).orderBy('sku').execute(),
    allBarcodes(ctx),
  ]);
  const records = rows.map((p) => [p.sku, p.label, Number(p.price_cents), Number(p.vat_rate), p.category, (codes.get(p.sku) ?? []).join('|'), openPriceCap(p) ?? '', mealVoucherEligible(p) ? 'oui' : 'non']);
  // csv-stringify quotes what needs it (`;`, quotes, line breaks) and, here, commas too: a
  // spreadsheet that guesses the separator never splits a label. A label that starts like a formula
  // is written `'=…` (spreadsheet-cell.ts); the import reads it back without the `'`.
  return stringify([[...CSV_COLUMNS], ...records], { delimiter: ';', record_delimiter: 'unix', quoted_match: ',', ...SPREADSHEET_SAFE });
}

type Parsed = { line: number; row: CsvProductRow };

/**
 * The owner-friendly columns and the ones they stand for: `price` in euros (`1,50`, `1.50`, `2`)
 * and `vat` in percent (`20`, `20 %`, `5,5`). A file may use either of each pair (the exact
 * `priceCents`/`vatRate` columns still work); when a row fills both, the exact one wins.
 */
const OWNER_COLUMNS = [
  { column: 'price', exact: 'priceCents', parse: parseEuros, expected: 'euros, e.g. 1,50 or 1.50' },
  { column: 'vat', exact: 'vatRate', parse: parseVatPercent, expected: 'a percentage, e.g. 20, 20 % or 5,5' },
  { column: 'openPriceMax', exact: 'openPriceMaxCents', parse: parseEuros, expected: 'empty, or the open-price cap in euros, e.g. 50 or 49,99' },
] as const;
/** Owner-friendly columns a file must have (either form); the others are optional. */
const REQUIRED_OWNER_COLUMNS = OWNER_COLUMNS.filter((c) => c.exact !== 'openPriceMaxCents');

/** Fills the exact columns of a record from its owner-friendly ones; the reasons a value is refused. */
function fromOwnerColumns(record: Record<string, string>): string[] {
  const reasons: string[] = [];
  for (const c of OWNER_COLUMNS) {
    const friendly = record[c.column]?.trim();
    if (!friendly || record[c.exact]?.trim()) continue;
    const value = c.parse(friendly);
    if (value === null) reasons.push(`${c.column}: ${c.expected}`);
    else record[c.exact] = String(value);
  }
  return reasons;
}

/**
 * CSV import (create or update by sku). Phases:
 *  1. parse (delimiter `;` or `,`, from the header line); a file that is not CSV, lacks a required
 *     column or is too big is refused whole (400, nothing stored);
 *  2. read the owner-friendly columns (price in euros, vat in percent, open-price cap in euros) into the exact ones, then
 *     validate each row with zod (CsvProductRow); duplicates of a sku or barcode inside the file
 *     are rejected after their first occurrence;
 *  3. in ONE transaction: reject rows whose barcode belongs to another product, then upsert the
 *     accepted rows and replace their barcodes, all under one new change version (the open-price cap
 *     and the meal-voucher flag of an existing product change only when the file has their column).
 * Invariant: a rejected row stores nothing; the report names its line and every reason.
 */
export async function importCatalogCsv(ctx: Ctx, csv: string, firstLine: number): Promise<ImportResult> {
  const headerLine = csv.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) >= (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, { delimiter, cast: (value: string) => spreadsheetCellRead(value), columns: (h: string[]) => h.map((x) => x.trim()), bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as never;
  } catch (e) {
    throw new ComptoirError('VALIDATION', `Not a readable CSV file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const header = headerLine.replace(/^\uFEFF/, '').split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''));
  const missing = [
    ...['sku', 'label'].filter((c) => !header.includes(c)),
    ...REQUIRED_OWNER_COLUMNS.filter((c) => !header.includes(c.exact) && !header.includes(c.column)).map((c) => c.column),
  ];
  if (missing.length > 0) {
    throw new ComptoirError('VALIDATION', `Missing column(s): ${missing.join(', ')} (expected sku;label;price;vat;category;barcodes, or ${CSV_COLUMNS.join(';')})`, { missing });
  }
  const openPriceColumn = header.includes('openPriceMaxCents') || header.includes('openPriceMax');
  const mealVoucherColumn = header.includes('titre_restaurant');
  if (records.length > MAX_IMPORT_ROWS) throw new ComptoirError('VALIDATION', `At most ${MAX_IMPORT_ROWS} rows per request (got ${records.length})`);

  const rejected: RejectedRow[] = [];
  const accepted: Parsed[] = [];
  const seenSku = new Set<string>();
  const seenCode = new Map<string, string>();
  for (const { record, info } of records) {
    // `info.lines` is the line where the record ends, counted from the header (line 1) of this chunk.
    const line = firstLine + info.lines - 2;
    const refused = fromOwnerColumns(record);
    if (refused.length > 0) {
      rejected.push({ line, sku: record.sku?.trim() || null, reasons: refused });
      continue;
    }
    const parsed = CsvProductRow.safeParse(record);
    if (!parsed.success) {
      rejected.push({ line, sku: record.sku?.trim() || null, reasons: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`) });
      continue;
    }
    const row = parsed.data;
    const reasons: string[] = [];
    if (seenSku.has(row.sku)) reasons.push(`sku: ${row.sku} appears earlier in the file`);
    for (const code of row.barcodes) {
      const other = seenCode.get(code);
      if (other !== undefined && other !== row.sku) reasons.push(`barcodes: ${code} is given to ${other} earlier in the file`);
    }
    if (reasons.length > 0) {
      rejected.push({ line, sku: row.sku, reasons });
      continue;
    }
    seenSku.add(row.sku);
    for (const code of row.barcodes) seenCode.set(code, row.sku);
    accepted.push({ line, row });
  }

  return ctx.db.transaction().execute(async (trx) => {
    const codes = [...seenCode.keys()];
    const owners = new Map<string, string>();
    for (let i = 0; i < codes.length; i += 5000) {
      const rows = await trx.selectFrom('barcodes').select(['code', 'sku']).where('code', 'in', codes.slice(i, i + 5000)).execute();
      for (const r of rows) owners.set(r.code, r.sku);
    }
    const good: Parsed[] = [];
    for (const p of accepted) {
      const clash = p.row.barcodes.filter((c) => owners.has(c) && owners.get(c) !== p.row.sku);
      if (clash.length > 0) rejected.push({ line: p.line, sku: p.row.sku, reasons: clash.map((c) => `barcodes: ${c} already belongs to ${owners.get(c)}`) });
      else good.push(p);
    }
    rejected.sort((a, b) => a.line - b.line);
    if (good.length === 0) return { rows: records.length, created: 0, updated: 0, rejected, changeVersion: null };

    const skus = good.map((p) => p.row.sku);
    const existing = new Set<string>();
    for (let i = 0; i < skus.length; i += 5000) {
      const rows = await trx.selectFrom('products').select('sku').where('sku', 'in', skus.slice(i, i + 5000)).execute();
      for (const r of rows) existing.add(r.sku);
    }
    const version = await nextChangeVersion(trx);
    const at = nowIso(ctx);
    for (let i = 0; i < good.length; i += 1000) {
      await trx
        .insertInto('products')
        .values(
          good.slice(i, i + 1000).map(({ row }) => ({
            sku: row.sku, label: row.label, price_cents: row.priceCents, vat_rate: row.vatRate, category: row.category,
            open_price_max_cents: row.openPriceMaxCents, meal_voucher_eligible: row.titre_restaurant ? 1 : 0, active: 1, change_version: version, updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.column('sku').doUpdateSet((eb) => ({
            label: eb.ref('excluded.label'),
            price_cents: eb.ref('excluded.price_cents'),
            vat_rate: eb.ref('excluded.vat_rate'),
            category: eb.ref('excluded.category'),
            // A file without the open-price column leaves an existing product's cap as it is.
            ...(openPriceColumn ? { open_price_max_cents: eb.ref('excluded.open_price_max_cents') } : {}),
            // Likewise the meal-voucher flag (a new product without the column is eligible: the default).
            ...(mealVoucherColumn ? { meal_voucher_eligible: eb.ref('excluded.meal_voucher_eligible') } : {}),
            active: 1,
            change_version: eb.ref('excluded.change_version'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    for (let i = 0; i < skus.length; i += 5000) await trx.deleteFrom('barcodes').where('sku', 'in', skus.slice(i, i + 5000)).execute();
    const barcodeRows = good.flatMap(({ row }) => row.barcodes.map((code) => ({ code, sku: row.sku })));
    for (let i = 0; i < barcodeRows.length; i += 5000) await trx.insertInto('barcodes').values(barcodeRows.slice(i, i + 5000)).execute();
    return { rows: records.length, created: good.length - existing.size, updated: existing.size, rejected, changeVersion: version };
  });
}
