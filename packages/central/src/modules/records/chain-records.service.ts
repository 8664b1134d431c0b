import type { Chain } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { whereRegisterIn } from '../stores/store-scope';

/** A stored record of one chain as the API lists it: who signed it, its number, times, signature, payload. */
export interface ChainRecordEntry<P> {
  registerId: string;
  number: number;
  recordedAt: string;
  integratedAt: string;
  signature: string;
  payload: P;
}

/**
 * Records of `chain` (closures, archives…) as the registers signed them and the ingest stored them
 * (verified, chained, exactly once), newest first; served by a partial index per chain (0005, 0006).
 */
export async function listChainRecords<P>(ctx: Ctx, chain: Chain, query: { registerId?: string | undefined; limit: number }): Promise<{ items: ChainRecordEntry<P>[] }> {
  let q = whereRegisterIn(
    ctx,
    ctx.db.selectFrom('records').select(['register_id', 'number', 'recorded_at', 'integrated_at', 'signature', 'payload']).where('chain', '=', chain),
    'register_id',
  );
  if (query.registerId) q = q.where('register_id', '=', query.registerId);
  const rows = await q.orderBy('recorded_at', 'desc').orderBy('register_id').orderBy('number', 'desc').limit(query.limit).execute();
  return {
    items: rows.map((r) => ({
      registerId: r.register_id,
      number: Number(r.number),
      recordedAt: r.recorded_at,
      integratedAt: r.integrated_at,
      signature: r.signature,
      payload: JSON.parse(r.payload) as P,
    })),
  };
}
