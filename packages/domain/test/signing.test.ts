import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  GENESIS_SIGNATURE,
  canonicalRecordString,
  generateSigningKeyPair,
  keyIdOf,
  keyResolver,
  signRecord,
  verifyChain,
  verifyRecord,
  type SignableRecord,
  type SignedRecord,
} from '../src/signing';

const keys = generateSigningKeyPair();
const privateKey = createPrivateKey(keys.privateKeyPem);
const publicKey = createPublicKey(keys.publicKeyPem);
const otherKeys = generateSigningKeyPair();

const record = (over: Partial<SignableRecord> = {}): SignableRecord => ({
  registerId: 'reg-1',
  chain: 'ticket',
  number: 1,
  recordedAt: '2024-05-01T10:00:00.000Z',
  payload: { totalCents: 1250, lines: [{ sku: 'A', quantity: 2 }], vat: { '2000': 208 } },
  prevSignature: GENESIS_SIGNATURE,
  ...over,
});

/** A well-formed chain of `n` records starting at `first`. */
function buildChain(n: number, first = 1, firstPrev = GENESIS_SIGNATURE): SignedRecord[] {
  const out: SignedRecord[] = [];
  let prev = firstPrev;
  for (let i = 0; i < n; i++) {
    const r = record({ number: first + i, prevSignature: prev, payload: { i, totalCents: 100 * i } });
    const signature = signRecord(privateKey, r);
    out.push({ ...r, signature });
    prev = signature;
  }
  return out;
}

describe('canonicalRecordString', () => {
  it('is canonical JSON of exactly the six signed fields (golden value: a storage format)', () => {
    assert.equal(
      canonicalRecordString({ ...record(), signature: 'ignored' } as SignableRecord),
      '{"chain":"ticket","number":1,"payload":{"lines":[{"quantity":2,"sku":"A"}],"totalCents":1250,"vat":{"2000":208}},' +
        '"prevSignature":"","recordedAt":"2024-05-01T10:00:00.000Z","registerId":"reg-1"}',
    );
  });
  it('does not depend on key order, at any depth', () => {
    const a = record({ payload: { b: { y: 1, x: [2, { q: 1, p: 2 }] }, a: 'é' } });
    const b = record({ payload: { a: 'é', b: { x: [2, { p: 2, q: 1 }], y: 1 } } });
    assert.equal(canonicalRecordString(a), canonicalRecordString(b));
  });
  it('keeps field values apart (no separator injection)', () => {
    assert.notEqual(
      canonicalRecordString(record({ registerId: 'a', chain: 'b|c' })),
      canonicalRecordString(record({ registerId: 'a|b', chain: 'c' })),
    );
  });
  it('throws on malformed records (programmer error)', () => {
    assert.throws(() => canonicalRecordString(record({ number: 0 })), TypeError);
    assert.throws(() => canonicalRecordString(record({ number: 1.5 })), TypeError);
    assert.throws(() => canonicalRecordString(record({ payload: undefined })), TypeError);
    assert.throws(() => canonicalRecordString(record({ registerId: 42 as unknown as string })), TypeError);
    assert.throws(() => canonicalRecordString(record({ payload: { x: NaN } })));
  });
});

describe('signRecord / verifyRecord', () => {
  it('generates P-256 PEM key pairs', () => {
    assert.match(keys.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(keys.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(publicKey.asymmetricKeyType, 'ec');
    assert.equal(publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });
  it('round-trips with PEM strings and with KeyObjects', () => {
    const r = record();
    const s1 = signRecord(keys.privateKeyPem, r);
    const s2 = signRecord(privateKey, r);
    assert.match(s1, /^[A-Za-z0-9_-]{86}$/); // 64-byte IEEE-P1363 r‖s, base64url
    for (const s of [s1, s2]) {
      assert.equal(verifyRecord(keys.publicKeyPem, r, s), true);
      assert.equal(verifyRecord(publicKey, r, s), true);
    }
  });
  it('rejects a signature made with another key', () => {
    const r = record();
    assert.equal(verifyRecord(publicKey, r, signRecord(otherKeys.privateKeyPem, r)), false);
  });
  it('returns false, never throws, on garbage signatures', () => {
    const r = record();
    const good = signRecord(privateKey, r);
    const garbage = ['', 'abc', '!'.repeat(86), 'A'.repeat(86), `${good}=`, `${good}A`, good.slice(1), good.replace(/.$/, '*')];
    for (const g of garbage) assert.equal(verifyRecord(publicKey, r, g), false, JSON.stringify(g));
    assert.equal(verifyRecord(publicKey, r, undefined as unknown as string), false);
    assert.equal(verifyRecord(publicKey, r, 42 as unknown as string), false);
  });
  it('rejects a non-canonical base64url spelling of a valid signature', () => {
    const r = record();
    const good = signRecord(privateKey, r);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.at(-1)!);
    // The last character carries 2 bits; its 4 low bits are padding and must be zero.
    const twin = good.slice(0, -1) + alphabet[last | 1];
    assert.notEqual(twin, good);
    assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(good, 'base64url'));
    assert.equal(verifyRecord(publicKey, r, twin), false);
  });

  const payloadArb = fc.record({
    lines: fc.array(fc.record({ sku: fc.string(), quantity: fc.integer() }), { minLength: 1, maxLength: 4 }),
    meta: fc.jsonValue({ maxDepth: 3 }),
  });
  const recordArb = fc.record({
    registerId: fc.string({ minLength: 1 }),
    chain: fc.constantFrom('ticket', 'duplicate', 'closure', 'event', 'archive', 'training'),
    number: fc.integer({ min: 1, max: 1_000_000 }),
    recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    payload: payloadArb,
    prevSignature: fc.oneof(fc.constant(GENESIS_SIGNATURE), fc.base64String({ minLength: 4, maxLength: 88 })),
  });

  it('property: sign/verify round-trips and any single-field change breaks verification', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), (r, pick, extra) => {
        const sig = signRecord(privateKey, r);
        assert.equal(verifyRecord(publicKey, r, sig), true);
        const i = pick % r.payload.lines.length;
        const deep = structuredClone(r);
        deep.payload.lines[i]!.quantity += 1;
        const variants: SignableRecord[] = [
          deep,
          { ...r, number: r.number + 1 },
          { ...r, prevSignature: r.prevSignature + extra },
          { ...r, registerId: r.registerId + extra },
          { ...r, chain: `${r.chain}-x` },
          { ...r, recordedAt: r.recordedAt.replace('Z', '+00:00') },
        ];
        for (const v of variants) assert.equal(verifyRecord(publicKey, v, sig), false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('verifyChain', () => {
  it('accepts a well-formed chain, an empty run and a run starting after 1', () => {
    assert.deepEqual(verifyChain(buildChain(5), publicKey), { ok: true });
    assert.deepEqual(verifyChain(buildChain(5), keys.publicKeyPem), { ok: true });
    assert.deepEqual(verifyChain([], publicKey), { ok: true });
    assert.deepEqual(verifyChain(buildChain(5).slice(2), publicKey), { ok: true });
    assert.deepEqual(verifyChain(buildChain(3, 10, 'x'.repeat(86)), publicKey), { ok: true });
  });
  it('requires GENESIS before record number 1', () => {
    assert.deepEqual(verifyChain(buildChain(3, 1, 'not-genesis'), publicKey), { ok: false, number: 1, reason: 'prev_mismatch' });
  });
  it('catches a missing record (gap)', () => {
    const c = buildChain(5);
    assert.deepEqual(verifyChain([...c.slice(0, 2), ...c.slice(3)], publicKey), { ok: false, number: 4, reason: 'gap' });
  });
  it('catches duplicated or reordered numbers', () => {
    const c = buildChain(4);
    assert.deepEqual(verifyChain([c[0]!, c[1]!, c[1]!, c[2]!], publicKey), { ok: false, number: 2, reason: 'gap' });
    assert.deepEqual(verifyChain([c[0]!, c[2]!, c[1]!], publicKey), { ok: false, number: 3, reason: 'gap' });
  });
  it('rejects a first number that is not a positive integer', () => {
    const c = buildChain(1);
    assert.deepEqual(verifyChain([{ ...c[0]!, number: 0 }], publicKey), { ok: false, number: 0, reason: 'gap' });
  });
  it('catches a broken link (prev_mismatch)', () => {
    const c = buildChain(4);
    c[2] = { ...c[2]!, prevSignature: c[0]!.signature };
    assert.deepEqual(verifyChain(c, publicKey), { ok: false, number: 3, reason: 'prev_mismatch' });
  });
  it('catches an edited record (bad_signature), including an unserialisable one', () => {
    const c = buildChain(4);
    c[1] = { ...c[1]!, payload: { i: 1, totalCents: 1 } };
    assert.deepEqual(verifyChain(c, publicKey), { ok: false, number: 2, reason: 'bad_signature' });
    const d = buildChain(2);
    d[1] = { ...d[1]!, payload: undefined };
    assert.deepEqual(verifyChain(d, publicKey), { ok: false, number: 2, reason: 'bad_signature' });
  });
  it('catches a chain signed by another key', () => {
    assert.deepEqual(verifyChain(buildChain(2), otherKeys.publicKeyPem), { ok: false, number: 1, reason: 'bad_signature' });
  });
  it('catches a record re-signed in place (its successor no longer links)', () => {
    const c = buildChain(3);
    const edited = { ...c[1]!, payload: { forged: true } };
    c[1] = { ...edited, signature: signRecord(privateKey, edited) };
    assert.deepEqual(verifyChain(c, publicKey), { ok: false, number: 3, reason: 'prev_mismatch' });
  });

  it('property: removing any record is a gap, relinking any record is a prev_mismatch', () => {
    const chain = buildChain(12);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 11 }), (removed, relinked) => {
        const gapped = chain.filter((_, i) => i !== removed);
        assert.deepEqual(verifyChain(gapped, publicKey), { ok: false, number: removed + 2, reason: 'gap' });
        const broken = chain.map((r, i) => (i === relinked ? { ...r, prevSignature: chain[relinked - 1]!.signature.slice(1) } : r));
        assert.deepEqual(verifyChain(broken, publicKey), { ok: false, number: relinked + 1, reason: 'prev_mismatch' });
      }),
    );
  });
});

describe('signing: messages and keys of the wrong kind', () => {
  it('a malformed record is refused with the field named', () => {
    assert.throws(() => canonicalRecordString(record({ chain: 7 as unknown as string })), /^TypeError: canonicalRecordString: chain must be a string$/);
    assert.throws(() => canonicalRecordString(record({ number: -3 })), /^TypeError: canonicalRecordString: number must be a positive integer \(got -3\)$/);
    assert.throws(() => canonicalRecordString(record({ payload: undefined })), /^TypeError: canonicalRecordString: payload is required$/);
  });
  it('a key that cannot check ECDSA signatures (Ed25519) verifies nothing, without throwing', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ed = generateKeyPairSync('ed25519').publicKey;
    const r = record();
    assert.equal(verifyRecord(ed, r, signRecord(privateKey, r)), false);
  });
});

describe('key ids: records that name the key they are signed with (key rotation)', () => {
  const spkiSha256 = (pem: string) => createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');
  const id = keyIdOf(keys.publicKeyPem);
  const otherId = keyIdOf(otherKeys.publicKeyPem);

  it('a key id is the SHA-256 of the public key (SPKI DER), the same from the private key, as PEM or KeyObject, every time', () => {
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(id, spkiSha256(keys.publicKeyPem));
    for (const k of [keys.privateKeyPem, keys.publicKeyPem, privateKey, publicKey, privateKey, publicKey]) assert.equal(keyIdOf(k), id);
    assert.equal(otherId, spkiSha256(otherKeys.publicKeyPem));
    assert.notEqual(otherId, id);
  });

  it('the canonical string holds the keyId when the record has one (golden value), and only then', () => {
    assert.equal(
      canonicalRecordString(record({ payload: { a: 1 }, keyId: 'ab'.repeat(32) })),
      `{"chain":"ticket","keyId":"${'ab'.repeat(32)}","number":1,"payload":{"a":1},"prevSignature":"","recordedAt":"2024-05-01T10:00:00.000Z","registerId":"reg-1"}`,
    );
    assert.doesNotMatch(canonicalRecordString(record()), /keyId/);
  });

  it('a keyId that is not 64 lowercase hex digits is refused, naming the field', () => {
    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(32)}0`, `x${'ab'.repeat(32)}`, '', 42 as unknown as string, null as unknown as string]) {
      assert.throws(() => canonicalRecordString(record({ keyId: bad })), /^TypeError: canonicalRecordString: keyId must be 64 lowercase hex digits$/, String(bad));
    }
  });

  it('the other messages name their field too', () => {
    for (const field of ['registerId', 'recordedAt', 'prevSignature'] as const) {
      assert.throws(() => canonicalRecordString(record({ [field]: 1 as unknown as string })), new RegExp(`^TypeError: canonicalRecordString: ${field} must be a string$`));
    }
    assert.throws(() => canonicalRecordString(record({ number: 2 ** 53 })), /number must be a positive integer \(got 9007199254740992\)/);
  });

  it('a record naming its key verifies under that key only; naming another key, it fails even with a signature that checks', () => {
    const r = record({ keyId: id });
    const sig = signRecord(privateKey, r);
    assert.equal(verifyRecord(publicKey, r, sig), true);
    assert.equal(verifyRecord(keys.publicKeyPem, r, sig), true);
    // Signed by this key but claiming the other one: the signature is good, the claim is not.
    const lying = record({ keyId: otherId });
    assert.equal(verifyRecord(publicKey, lying, signRecord(privateKey, lying)), false);
    // The keyId is signed: dropping it or changing it breaks the signature.
    assert.equal(verifyRecord(publicKey, record(), sig), false);
  });

  it('a signature that is not a string is refused without throwing, even one that prints as a good one', () => {
    const r = record();
    const good = signRecord(privateKey, r);
    const lookalike = { toString: () => good } as unknown as string;
    assert.equal(verifyRecord(publicKey, r, lookalike), false);
  });

  it('keyResolver finds a key by its id; a record without one is the oldest key’s', () => {
    const resolve = keyResolver([keys.publicKeyPem, otherKeys.publicKeyPem]);
    assert.equal(keyIdOf(resolve(undefined)!), id);
    assert.equal(keyIdOf(resolve(otherId)!), otherId);
    assert.equal(keyIdOf(resolve(id)!), id);
    assert.equal(resolve('00'.repeat(32)), undefined);
    assert.equal(keyIdOf(keyResolver(otherKeys.publicKeyPem)(undefined)!), otherId);
    assert.equal(keyIdOf(keyResolver(publicKey)(undefined)!), id);
  });

  it('verifyChain across a key change: old records without keyId, new ones naming the new key', () => {
    const c: SignedRecord[] = [];
    let prev = GENESIS_SIGNATURE;
    for (let n = 1; n <= 4; n++) {
      const r = record({ number: n, prevSignature: prev, payload: { n }, ...(n > 2 ? { keyId: otherId } : {}) });
      const signature = signRecord(n > 2 ? otherKeys.privateKeyPem : keys.privateKeyPem, r);
      c.push({ ...r, signature });
      prev = signature;
    }
    assert.deepEqual(verifyChain(c, [keys.publicKeyPem, otherKeys.publicKeyPem]), { ok: true });
    assert.deepEqual(verifyChain(c, [publicKey, createPublicKey(otherKeys.publicKeyPem)]), { ok: true });
    // Without the new key, its first record names a key not given.
    assert.deepEqual(verifyChain(c, [keys.publicKeyPem]), { ok: false, number: 3, reason: 'bad_signature' });
    // Keys in the wrong order: a record without keyId is checked under the first (here the new) key.
    assert.deepEqual(verifyChain(c, [otherKeys.publicKeyPem, keys.publicKeyPem]), { ok: false, number: 1, reason: 'bad_signature' });
  });
});
