import { GENESIS_SIGNATURE, signRecord } from '@comptoir/domain';
import { ComptoirError, eventPayload, type Chain, type EventPayload, type EventType, type RecordPayload, type SignedRecord } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { HeadRow, RecordRow } from '../db/statements';

export type Appended = { number: number; signature: string; recordedAt: string; seq: number };

/** The last record of `chain` on this till or, before its first, the head a replaced till continues from. */
export function chainHeadOf(ctx: RegisterContext, chain: string): HeadRow | undefined {
  return ctx.q.chainHead.get(chain) ?? ctx.q.chainAnchor.get(chain);
}

/** Registers whose clock is known to be behind a chain head (the jump is already logged). */
const clockBehind = new WeakSet<RegisterContext>();

/**
 * Appends the next record of `chain`: reads the head, numbers it head + 1 (gapless from 1, or from
 * the head a replaced till continues from), dates it
 * `clockAt` or, when the clock is behind the head, the head's time (a `clock_set_back` event is signed
 * first), signs it over the previous signature, inserts it and its outbox row.
 * Invariant: MUST run inside a `ctx.sqlite.transaction` (synchronous), so the head cannot move
 * between the read and the insert, and the record, its effects and its outbox row commit together.
 */
export function appendRecord(ctx: RegisterContext, chain: Chain, payload: RecordPayload, clockAt: string): Appended {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  let head = chainHeadOf(ctx, chain);
  // A record's time never goes below its chain head's: a clock set back is logged (once per jump) and
  // the chain keeps its order (ISO-8601 UTC strings of one format compare as times).
  let recordedAt = clockAt;
  if (head && clockAt < head.recorded_at) {
    const isClockEvent = payload.type === 'event' && payload.event === 'clock_set_back';
    if (!isClockEvent && !clockBehind.has(ctx)) {
      clockBehind.add(ctx);
      appendRecord(ctx, 'event', eventPayload('clock_set_back', { chain, headAt: head.recorded_at, clockAt }), clockAt);
      head = chainHeadOf(ctx, chain)!;
    }
    recordedAt = head.recorded_at;
  } else if (head) clockBehind.delete(ctx);
  const number = head ? head.number + 1 : 1;
  const prevSignature = head ? head.signature : GENESIS_SIGNATURE;
  const signature = signRecord(identity.privateKey, {
    registerId: identity.registerId,
    chain,
    number,
    recordedAt,
    payload,
    prevSignature,
    keyId: identity.keyId,
  });
  const seq = ctx.q.nextSeq.get()!.seq;
  ctx.q.insertRecord.run(chain, number, recordedAt, JSON.stringify(payload), prevSignature, signature, seq, identity.keyId);
  ctx.q.insertOutbox.run(seq, chain, number);
  return { number, signature, recordedAt, seq };
}

/** Writes one signed technical event (JET) in its own transaction, then schedules a push. */
export function writeEvent(ctx: RegisterContext, event: EventType, details: EventPayload['details'] = {}): Appended {
  const payload = eventPayload(event, details);
  const appended = ctx.sqlite.transaction(() => appendRecord(ctx, 'event', payload, ctx.now().toISOString()))();
  ctx.recordsAppended();
  return appended;
}

export function toSignedRecord(registerId: string, row: RecordRow): SignedRecord {
  return {
    registerId,
    chain: row.chain as Chain,
    number: row.number,
    recordedAt: row.recorded_at,
    payload: JSON.parse(row.payload) as RecordPayload,
    prevSignature: row.prev_signature,
    signature: row.signature,
    ...(row.key_id ? { keyId: row.key_id } : {}),
  };
}
