import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import { generateSigningKeyPair, peerSigningString, signPeerRequest, verifyPeerRequest, type PeerRequest } from '../src/index';

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

test('the signing string, exactly: a versioned prefix, the method in capitals, and the SHA-256 of the canonical body (of nothing when there is none)', () => {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonicalBody = '{"lines":[{"lineNo":1,"quantity":1}],"number":12,"reservationId":"r"}';
  assert.equal(
    peerSigningString({ ...req, method: 'post' }),
    ['comptoir-peer-1', 'POST', '/api/peer/returns', 'reg-b', 'reg-a', '2026-12-02T20:00:00.000Z', sha256(canonicalBody)].join('\n'),
  );
  assert.equal(peerSigningString({ ...req, method: 'GET', body: undefined }).split('\n').at(-1), sha256(''));
  // A lower-case method is the same request: what one till signs as `post`, the other verifies as `POST`.
  assert.equal(verifyPeerRequest(pub, req, signPeerRequest(priv, { ...req, method: 'post' })), true);
});

test('only an 86-character base64url signature is checked: longer, shorter, padded or plain base64 forms are refused', () => {
  // A signature holding a base64url-only character ('-' or '_'), so its plain-base64 spelling differs
  // while Node would decode both to the same bytes: only the pattern refuses that spelling.
  let sig = signPeerRequest(priv, req);
  while (!/[-_]/.test(sig)) sig = signPeerRequest(priv, req);
  assert.equal(sig.length, 86);
  const plain = sig.replace(/-/g, '+').replace(/_/g, '/');
  assert.ok(Buffer.from(plain, 'base64url').equals(Buffer.from(sig, 'base64url')));
  for (const form of [`${sig}A`, `A${sig}`, sig.slice(1), `${sig}==`, plain, `${plain}==`, ` ${sig}`, `${sig}\n`]) {
    assert.equal(verifyPeerRequest(pub, req, form), false, JSON.stringify(form));
  }
  assert.equal(verifyPeerRequest(pub, req, sig), true);
});

test('a key the verifier cannot use is a refusal, never a throw', () => {
  const sig = signPeerRequest(priv, req);
  assert.equal(verifyPeerRequest(createSecretKey(Buffer.alloc(32, 1)), req, sig), false);
});
