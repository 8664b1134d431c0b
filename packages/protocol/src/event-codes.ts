import { z } from 'zod';
import type { EventPayload, EventType } from './record';
import { Id, IsoDateTime } from './common';

// The technical event journal's codes (JET, NF525): one integer per kind of event, signed in the
// event's payload (`code`, payload version 2). Codes below 1000 follow the numbering of the
// certification bodies' published lists as issue 10 quotes it (20/30 archiving, 40 stop,
// 70/120 degraded mode on/off, 260 data initialisation; 50 period closing is the `closure` chain
// itself); Comptoir's own events take 1000 and up. A code, once given, never changes meaning:
// old records are read back through this table too (events signed before codes existed carry none,
// their code is the table's).

export const EVENT_CODES = {
  /** Archiving: a period archive signed (the `archive` record beside it). */
  archive_produced: 20,
  /** Archiving: an archive file handed out (register or central download). */
  archive_downloaded: 30,
  /** The register agent stops. */
  register_stop: 40,
  /** Degraded mode on: the register lost central and sells on its own. */
  offline_start: 70,
  /** Degraded mode off: the link is back and the backlog pushed. */
  offline_end: 120,
  /** Data initialisation: the register enrolled (its identity and chains begin). */
  enrolment: 260,
  /** The software starts (details: its version). */
  register_start: 1000,
  login: 1010,
  logout: 1011,
  /** A wrong PIN or unknown login (details: the login tried, never the PIN). */
  login_failed: 1012,
  /** Throttling locked an account or an address. */
  login_locked: 1013,
  reintegration_start: 1020,
  reintegration_end: 1021,
  sos_copy: 1030,
  config_change: 1040,
  /** The chain self-check at start found a broken chain (it blocks nothing already signed). */
  chain_check_failure: 1050,
  /** A record's clock was behind its chain head: the jump is logged, the order kept. */
  clock_set_back: 1060,
  key_start: 1070,
  key_end: 1071,
  training_start: 1080,
  training_end: 1081,
  /** The cash drawer opened without a sale (a "no sale"; details: who asked, the manager who approved, the reason). */
  drawer_opened_no_sale: 1090,
  return_reserved_for_peer: 1200,
  return_released_for_peer: 1201,
  credit_note_reserved_for_peer: 1210,
  credit_note_released_for_peer: 1211,
  gift_card_reserved_for_peer: 1220,
  gift_card_released_for_peer: 1221,
} as const satisfies Record<EventType, number>;

/** The code of a kind of event. */
export function eventCode(event: EventType): number {
  return EVENT_CODES[event];
}

/** A signed event's payload as registers write it today: version 2, with its code. */
export function eventPayload(event: EventType, details: EventPayload['details'] = {}): EventPayload {
  return { type: 'event', version: 2, code: eventCode(event), event, details };
}

/** The code an event record carries (v2), or the table's for an event signed before codes (v1). */
export function codeOfEvent(payload: Pick<EventPayload, 'event' | 'code'>): number {
  return payload.code ?? eventCode(payload.event);
}

/** One line of the technical event journal (`GET /api/events`, register and central). */
export const JournalEvent = z.object({
  registerId: Id,
  number: z.number().int().positive(),
  recordedAt: IsoDateTime,
  code: z.number().int().positive(),
  event: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** When central stored it (null on the register while it is not pushed yet). */
  integratedAt: IsoDateTime.nullable(),
});
export type JournalEvent = z.infer<typeof JournalEvent>;
export const JournalEventsResponse = z.object({ items: z.array(JournalEvent) });
export type JournalEventsResponse = z.infer<typeof JournalEventsResponse>;
export const RegisterEventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
/**
 * Central's journal query: one register (else every register the caller sees), one event code (e.g.
 * 70, degraded mode on), and a time window on `recordedAt` (`from` inclusive, `to` exclusive).
 */
export const CentralEventsQuery = RegisterEventsQuery.extend({
  registerId: Id.optional(),
  code: z.coerce.number().int().positive().optional(),
  from: IsoDateTime.transform(utcIso).optional(),
  to: IsoDateTime.transform(utcIso).optional(),
});

/** Records hold UTC ISO times (`…Z`): a bound given with an offset is compared in that form. */
function utcIso(iso: string): string {
  return new Date(iso).toISOString();
}
export type CentralEventsQuery = z.infer<typeof CentralEventsQuery>;

/** Every kind of event that carries `code` (one, as codes are unique; none for an unknown code). */
export function eventsOfCode(code: number): EventType[] {
  return (Object.keys(EVENT_CODES) as EventType[]).filter((e) => EVENT_CODES[e] === code);
}
