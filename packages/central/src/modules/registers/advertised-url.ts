import { isIP } from 'node:net';

// Where central reaches a register for a remote copy (architecture §5). A register reports its
// URL in every heartbeat; a malicious one must not make central call another machine (SSRF), so:
//  - only http and https URLs are kept (no file:, no javascript:, no credentials in the URL);
//  - a reported URL is pinned to the address the heartbeat came from: central keeps its scheme and
//    port and puts the heartbeat's source address as host (a till listening on 0.0.0.0, which
//    reports 127.0.0.1, is then reachable too). A name is never resolved: that is for an admin;
//  - an admin may set any http(s) URL explicitly (`PUT /api/registers/:id/advertised-url`), e.g. a
//    name, or a till behind a NAT. It is stored with the fragment `#set-by-admin` (a fragment is
//    never sent in a request, and it needs no new column): heartbeats never overwrite it; setting
//    null gives the URL back to the heartbeats.

/** The origin of an http(s) URL, or null for anything else. */
export function httpOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  return u.origin;
}

/** A client address as Node reports it, plain (`::ffff:10.0.0.5` → `10.0.0.5`). */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Marks a URL an admin set: heartbeats leave it alone. */
export const SET_BY_ADMIN = '#set-by-admin';

/** The URL to store for an admin's explicit choice (null: heartbeats decide again). */
export function adminAdvertisedUrl(url: string | null): string | null {
  if (url === null) return null;
  const origin = httpOrigin(url);
  return origin === null ? null : `${origin}/${SET_BY_ADMIN}`;
}

/**
 * The URL central keeps from a heartbeat: `reported` pinned to the heartbeat's source address, or
 * undefined (keep what is stored) when the report is not http(s). The heartbeat's update leaves a
 * URL marked SET_BY_ADMIN alone.
 */
export function heartbeatAdvertisedUrl(reported: string | null | undefined, source: string): string | undefined {
  if (reported === undefined || reported === null) return undefined;
  const origin = httpOrigin(reported);
  if (!origin) return undefined;
  const from = plainAddress(source);
  if (!isIP(from)) return undefined;
  const u = new URL(origin);
  u.hostname = isIP(from) === 6 ? `[${from}]` : from;
  return u.origin;
}
