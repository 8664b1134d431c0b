import { codeOfEvent, ComptoirError, type EventPayload, type JournalEvent } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { recordEntries, type RecordEntry } from '../chain/record-entries';
import type { RegisterContext } from '../context';

/** `GET /api/events?limit`: the register's technical event journal (JET), newest first; a manager's. */
export function listEvents(ctx: RegisterContext, actor: Actor, limit: number): { items: JournalEvent[] } {
  if (actor.role !== 'manager' && actor.role !== 'admin') {
    throw new ComptoirError('FORBIDDEN', 'The event journal is for a manager', { reason: 'manager_required' });
  }
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  return {
    items: recordEntries<EventPayload>(ctx, 'event', 'ORDER BY r.number DESC LIMIT ?', limit).map((e) => journalEvent(identity.registerId, e)),
  };
}

/** One signed event as the journal lists it (with its code, v1 events the table's). */
export function journalEvent(registerId: string, e: RecordEntry<EventPayload>): JournalEvent {
  return {
    registerId,
    number: e.number,
    recordedAt: e.recordedAt,
    code: codeOfEvent(e.payload),
    event: e.payload.event,
    details: e.payload.details,
    integratedAt: e.integratedAt,
  };
}
