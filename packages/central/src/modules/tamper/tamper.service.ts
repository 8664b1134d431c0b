import { randomUUID } from 'node:crypto';
import type { TamperAlert } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { whereRegisterIn } from '../stores/store-scope';

export type TamperReason = 'prev_mismatch' | 'bad_signature' | 'replay_signature_differs' | 'key_not_valid';

/** Records a tamper alert. Called OUTSIDE the refused batch's transaction, so it survives the rollback. */
export async function recordTamperAlert(ctx: Ctx, a: { registerId: string; chain: string; number: number; reason: TamperReason }): Promise<void> {
  await ctx.db
    .insertInto('tamper_alerts')
    .values({ id: randomUUID(), register_id: a.registerId, chain: a.chain, number: a.number, reason: a.reason, created_at: nowIso(ctx) })
    .execute();
}

export async function listTamperAlerts(
  ctx: Ctx,
  query: { registerId?: string | undefined; limit: number; offset: number },
): Promise<{ items: TamperAlert[]; total: number }> {
  const base = () => {
    let q = whereRegisterIn(ctx, ctx.db.selectFrom('tamper_alerts'), 'register_id');
    if (query.registerId) q = q.where('register_id', '=', query.registerId);
    return q;
  };
  const [rows, count] = await Promise.all([
    base().selectAll().orderBy('created_at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ id: r.id, registerId: r.register_id, chain: r.chain, number: Number(r.number), reason: r.reason, createdAt: r.created_at })),
    total: Number(count.n),
  };
}
