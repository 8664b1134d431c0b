import type { CentralClosure, ClosurePayload } from '@comptoir/protocol';
import type { Ctx } from '../../context';

/**
 * Daily closures (Z) as the registers signed them: records of the `closure` chain, stored by the
 * ingest like every record (verified, chained, exactly once). Newest first.
 */
export async function listClosures(ctx: Ctx, query: { registerId?: string | undefined; limit: number }): Promise<{ items: CentralClosure[] }> {
  let q = ctx.db
    .selectFrom('records')
    .select(['register_id', 'number', 'recorded_at', 'integrated_at', 'signature', 'payload'])
    .where('chain', '=', 'closure');
  if (query.registerId) q = q.where('register_id', '=', query.registerId);
  const rows = await q.orderBy('recorded_at', 'desc').orderBy('register_id').limit(query.limit).execute();
  return {
    items: rows.map((r) => ({
      registerId: r.register_id,
      number: Number(r.number),
      recordedAt: r.recorded_at,
      integratedAt: r.integrated_at,
      signature: r.signature,
      payload: JSON.parse(r.payload) as ClosurePayload,
    })),
  };
}
