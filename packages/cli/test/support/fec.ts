import assert from 'node:assert/strict';
import type { Shop } from './shop';

/**
 * Central's FEC (`GET /api/accounting/fec`) as the accounting tests read it: the answer's status
 * and file name, its text (ISO 8859-15, CRLF lines, the header first) and its rows, split on tabs.
 */
export interface Fec {
  status: number;
  contentDisposition: string | null;
  text: string;
  /** The lines after the header, each its 18 fields (as read: the tests check the count). */
  rows: string[][];
}

export async function readFec(shop: Shop, from: string, to = from): Promise<Fec> {
  const res = await fetch(`${shop.central.url}/api/accounting/fec?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${shop.adminToken}` } });
  const text = new TextDecoder('iso-8859-15').decode(await res.arrayBuffer());
  return { status: res.status, contentDisposition: res.headers.get('content-disposition'), text, rows: text.slice(0, -2).split('\r\n').slice(1).map((l) => l.split('\t')) };
}

/** A FEC amount "1234,56" → cents (anything else fails the test). */
export function fecCents(a: string): number {
  const m = /^(\d+),(\d{2})$/.exec(a);
  assert.ok(m, `FEC amount ${a}`);
  return Number(m[1]) * 100 + Number(m[2]);
}

/** A row's credit minus its debit, in cents (fields 12 and 11: Credit, Debit). */
export function fecNetCents(row: string[]): number {
  return fecCents(row[12]!) - fecCents(row[11]!);
}
