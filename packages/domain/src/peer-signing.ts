import canonicalize from 'canonicalize';
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

// Register → register calls on the shop's LAN (returns and credit notes while central is down,
// docs/architecture.md §17, docs/security.md). The calling register signs each request with its own
// NF525 signing key (ECDSA P-256, SHA-256); the called register verifies it with the caller's public
// key, which it holds from central (the store's registers, refreshed while connected). Nothing secret
// is shared between tills and nothing secret travels. What is signed names the method, the path, the
// caller, the register called, the time (the called register accepts ±5 min) and the SHA-256 of the
// RFC 8785 canonical JSON of the body: a request cannot be re-aimed at another till, another path or
// another body; a replay inside the window repeats an idempotent request (same reservation id).

export interface PeerRequest {
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  /** The calling register. */
  from: string;
  /** The register called. */
  to: string;
  timestamp: string;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
}

export function peerSigningString(r: PeerRequest): string {
  const digest = createHash('sha256').update(r.body === undefined ? '' : (canonicalize(r.body) ?? '')).digest('hex');
  return ['comptoir-peer-1', r.method.toUpperCase(), r.path, r.from, r.to, r.timestamp, digest].join('\n');
}

/** base64url IEEE-P1363 signature of the request. */
export function signPeerRequest(privateKey: KeyObject, r: PeerRequest): string {
  return sign('sha256', Buffer.from(peerSigningString(r)), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

export function verifyPeerRequest(publicKey: KeyObject, r: PeerRequest, signature: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    return verify('sha256', Buffer.from(peerSigningString(r)), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
