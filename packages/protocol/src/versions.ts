// Versions across the fleet: the sync protocol a register speaks, and what central accepts.
//
// Protocol 1: releases before versions were reported (no header, no version fields in the
// heartbeat). Protocol 2: every sync call sends `Comptoir-Protocol: 2`; the heartbeat carries the
// register's software and protocol versions.
// Rule of a rollout: central is upgraded first and accepts the current protocol and the previous
// one, so tills are upgraded one by one; anything older (or newer than central) is refused with
// 426 PROTOCOL_UNSUPPORTED, shown on the till, whose records stay in its outbox until it is upgraded.

export const PROTOCOL_VERSION = 2;
/** The oldest protocol central accepts: the previous one. */
export const OLDEST_PROTOCOL_VERSION = PROTOCOL_VERSION - 1;
/** Header every sync call carries from protocol 2 on (absent = protocol 1). */
export const PROTOCOL_HEADER = 'comptoir-protocol';

/** The protocol a request speaks: its header, else 1 (the releases that sent none); NaN when unreadable. */
export function protocolOfHeader(value: string | string[] | undefined): number {
  if (value === undefined) return 1;
  const text = Array.isArray(value) ? value[0] ?? '' : value;
  return /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}
