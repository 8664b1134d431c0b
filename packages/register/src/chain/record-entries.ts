import type { Chain } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

/** One of the register's signed records as the screen lists it: its payload and when central integrated it. */
export interface RecordEntry<P> {
  number: number;
  recordedAt: string;
  signature: string;
  integratedAt: string | null;
  payload: P;
}

type EntryRow = { number: number; recorded_at: string; payload: string; signature: string; integrated_at: string | null };

/**
 * Records of `chain` with their integration time. `tail` continues the WHERE clause (`AND …`) and
 * orders/limits; `args` fill its placeholders. The payload is the signed JSON, parsed.
 */
export function recordEntries<P>(ctx: RegisterContext, chain: Chain, tail: string, ...args: (string | number)[]): RecordEntry<P>[] {
  const rows = ctx.sqlite
    .prepare(
      `SELECT r.number, r.recorded_at, r.payload, r.signature, i.integrated_at FROM records r
       LEFT JOIN integrations i ON i.chain = r.chain AND i.number = r.number WHERE r.chain = ? ${tail}`,
    )
    .all(chain, ...args) as EntryRow[];
  return rows.map((r) => ({
    number: r.number,
    recordedAt: r.recorded_at,
    signature: r.signature,
    integratedAt: r.integrated_at,
    payload: JSON.parse(r.payload) as P,
  }));
}
