import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generateSigningKeyPair, signPeerRequest, verifyPeerRequest, type PeerRequest } from '../src/index';

// Register → register calls (docs/security.md): what the called register accepts, and what it refuses.
const pair = generateSigningKeyPair();
const other = generateSigningKeyPair();
const priv = createPrivateKey(pair.privateKeyPem);
const pub = createPublicKey(pair.publicKeyPem);
const req: PeerRequest = {
  method: 'POST',
  path: '/api/peer/returns',
  from: 'reg-b',
  to: 'reg-a',
  timestamp: '2026-12-02T20:00:00.000Z',
  body: { reservationId: 'r', number: 12, lines: [{ lineNo: 1, quantity: 1 }] },
};

test('a signed peer request verifies under the caller key, whatever the key order of its body', () => {
  const sig = signPeerRequest(priv, req);
  assert.equal(verifyPeerRequest(pub, req, sig), true);
  assert.equal(verifyPeerRequest(pub, { ...req, body: { lines: [{ quantity: 1, lineNo: 1 }], number: 12, reservationId: 'r' } }, sig), true);
});

test('any change of method, path, caller, register called, time or body, or another key, is refused', () => {
  const sig = signPeerRequest(priv, req);
  for (const changed of [
    { ...req, method: 'DELETE' },
    { ...req, path: '/api/peer/returns?x=1' },
    { ...req, from: 'reg-c' },
    { ...req, to: 'reg-c' },
    { ...req, timestamp: '2026-12-02T20:00:01.000Z' },
    { ...req, body: { ...(req.body as object), number: 13 } },
    { ...req, body: undefined },
  ]) {
    assert.equal(verifyPeerRequest(pub, changed, sig), false, JSON.stringify(changed));
  }
  assert.equal(verifyPeerRequest(createPublicKey(other.publicKeyPem), req, sig), false);
  assert.equal(verifyPeerRequest(pub, req, 'not-a-signature'), false);
});
