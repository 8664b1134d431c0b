import { sql } from 'kysely';
import { codeOfEvent, ComptoirError, eventsOfCode, type CentralEventsQuery, type EventPayload, type JournalEvent } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { seesStore, whereStoreIn } from '../stores/store-scope';

/**
 * `GET /api/events?registerId&code&from&to&limit`: the registers' technical event journals (JET) as
 * central stored them, newest first. `code` matches v2 events by their signed code and v1 events
 * by their kind (the code table maps one to the other: a v2 event's code is its kind's). A manager sees only their store's registers (another store's
 * register is 403); an admin sees every register. Served by the partial index of 0012.
 */
export async function listEvents(ctx: Ctx, query: CentralEventsQuery): Promise<{ items: JournalEvent[] }> {
  if (query.registerId) {
    const reg = await ctx.db.selectFrom('registers').select('store_id').where('id', '=', query.registerId).executeTakeFirst();
    if (!reg) throw new ComptoirError('NOT_FOUND', `Unknown register ${query.registerId}`, { registerId: query.registerId });
    if (!seesStore(ctx, reg.store_id)) {
      throw new ComptoirError('FORBIDDEN', "A manager may read only their own store's registers", { registerId: query.registerId });
    }
  }
  // The one store rule (store-scope.ts): a manager with no store sees no register's events.
  let q = ctx.db
    .selectFrom('records')
    .innerJoin('registers', 'registers.id', 'records.register_id')
    .select(['records.register_id', 'records.number', 'records.recorded_at', 'records.integrated_at', 'records.payload'])
    .where('records.chain', '=', 'event');
  if (query.registerId) q = q.where('records.register_id', '=', query.registerId);
  if (query.from) q = q.where('records.recorded_at', '>=', query.from);
  if (query.to) q = q.where('records.recorded_at', '<', query.to);
  if (query.code !== undefined) {
    const kinds = eventsOfCode(query.code);
    if (kinds.length === 0) return { items: [] };
    const kind = ctx.dialect === 'postgres' ? sql<string>`(records.payload::jsonb ->> 'event')` : sql<string>`json_extract(records.payload, '$.event')`;
    q = q.where(kind, 'in', kinds);
  }
  q = whereStoreIn(ctx, q, 'registers.store_id');
  const rows = await q.orderBy('records.recorded_at', 'desc').orderBy('records.register_id').orderBy('records.number', 'desc').limit(query.limit).execute();
  return {
    items: rows.map((r) => {
      const payload = JSON.parse(r.payload) as EventPayload;
      return {
        registerId: r.register_id,
        number: Number(r.number),
        recordedAt: r.recorded_at,
        code: codeOfEvent(payload),
        event: payload.event,
        details: payload.details,
        integratedAt: r.integrated_at,
      };
    }),
  };
}
