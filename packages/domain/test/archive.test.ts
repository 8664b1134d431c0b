import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import {
  GENESIS_SIGNATURE,
  archiveBody,
  archiveDigest,
  archiveFile,
  generateSigningKeyPair,
  keyFingerprint,
  signRecord,
  verifyArchive,
  type SignedRecord,
} from '../src/index';

// An archive file checks on its own: what it signs, what it holds, and how it links to the past.
const keys = generateSigningKeyPair();
const REGISTER = 'reg-archive';

function chain(name: string, count: number, first = 1, prev = GENESIS_SIGNATURE): SignedRecord[] {
  const out: SignedRecord[] = [];
  for (let n = first; n < first + count; n++) {
    const unsigned = { registerId: REGISTER, chain: name, number: n, recordedAt: `2026-12-0${(n % 9) + 1}T10:00:00.000Z`, payload: { n, totalCents: 100 * n }, prevSignature: prev };
    const signature = signRecord(keys.privateKeyPem, unsigned);
    out.push({ ...unsigned, signature });
    prev = signature;
  }
  return out;
}

function makeArchive(records: SignedRecord[], ranges: { chain: string; from: number; to: number; prevSignature: string }[], overrides: Record<string, unknown> = {}) {
  const body = archiveBody(records);
  const unsigned = {
    registerId: REGISTER,
    chain: 'archive',
    number: 1,
    recordedAt: '2027-01-02T10:00:00.000Z',
    payload: { type: 'archive', periodKey: '2026-12', ranges, recordCount: records.length, sha256: archiveDigest(body), ...overrides },
    prevSignature: GENESIS_SIGNATURE,
  };
  const archive = { ...unsigned, signature: signRecord(keys.privateKeyPem, unsigned) };
  return archiveFile({ registerId: REGISTER, publicKeyPem: keys.publicKeyPem, archive }, body);
}

const tickets = chain('ticket', 5);
const events = chain('event', 3, 4, 'x'.repeat(86));
const ranges = [
  { chain: 'ticket', from: 1, to: 5, prevSignature: GENESIS_SIGNATURE },
  { chain: 'event', from: 4, to: 6, prevSignature: 'x'.repeat(86) },
];

test('a well-formed archive verifies, with its record count and the key fingerprint', () => {
  const check = verifyArchive(makeArchive([...tickets, ...events], ranges));
  assert.ok(check.ok, JSON.stringify(check));
  assert.equal(check.records, 8);
  assert.equal(check.periodKey, '2026-12');
  assert.equal(check.keyFingerprint, keyFingerprint(createPublicKey(keys.publicKeyPem)));
});

test('every way of breaking an archive is reported with its reason, never thrown', () => {
  const good = makeArchive([...tickets, ...events], ranges);
  const lines = good.split('\n');
  const other = generateSigningKeyPair();
  const cases: [string, string, RegExp][] = [
    ['a record edited', good.replace('"totalCents":300', '"totalCents":301'), /^the body does not match the signed SHA-256$/],
    ['a record dropped', [...lines.slice(0, 3), ...lines.slice(4)].join('\n'), /^the body does not match the signed SHA-256$/],
    ['two records swapped', [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'), /^the body does not match the signed SHA-256$/],
    ['another key in the header', good.replace(JSON.stringify(keys.publicKeyPem).slice(1, -1), JSON.stringify(other.publicKeyPem).slice(1, -1)), /^the archive record signature does not verify$/],
    ['a header that is not JSON', `{oops\n${lines.slice(1).join('\n')}`, /^header is not JSON$/],
    ['no header at all', '', /^no header line$/],
    ['an unknown format', good.replace('"format":"comptoir-archive/1"', '"format":"comptoir-archive/9"'), /^unknown format comptoir-archive\/9$/],
    ['a header without its key', good.replace('"publicKeyPem":', '"publicKeyPEM":'), /^header lacks registerId, publicKeyPem or archive$/],
    ['an unreadable key', good.replace('-----BEGIN PUBLIC KEY-----', '-----BEGIN PUBLIC KEX-----'), /^public key unreadable$/],
    ['an empty range', makeArchive([...tickets], [{ chain: 'event', from: 7, to: 6, prevSignature: '' }, ranges[0]!]), /^the archive record names malformed ranges$/],
    ['a range from 0', makeArchive([...tickets], [{ ...ranges[0]!, from: 0 }]), /^the archive record names malformed ranges$/],
    ['ranges that are not a list', makeArchive([...tickets], 'all' as never), /^the archive record names malformed ranges$/],
    ['a run that does not follow the previous archive', makeArchive([...tickets, ...events], [ranges[0]!, { ...ranges[1]!, prevSignature: 'y'.repeat(86) }]), /^chain event: record 4 does not follow the previous archive$/],
    ['records the ranges do not name', makeArchive([...tickets, ...events], [ranges[0]!], { recordCount: 8 }), /^records outside the archived ranges$/],
    ['a count that does not match', makeArchive([...tickets, ...events], ranges, { recordCount: 9 }), /^8 records, the archive says 9$/],
    ['a record line that is not an object', makeArchive([...tickets], [ranges[0]!]).replace(/\n[^\n]*\n$/, '\nnull\n'), /^the body does not match the signed SHA-256$/],
  ];
  for (const [what, text, reason] of cases) {
    let check;
    assert.doesNotThrow(() => (check = verifyArchive(text)), what);
    assert.equal(check!.ok, false, `${what}: ${JSON.stringify(check)}`);
    assert.match((check as unknown as { reason: string }).reason, reason, what);
  }
});

// Forgeries whose body matches the SHA-256 the archive record signs (the archive re-signed over the
// altered body, as someone holding the key, or a bug, would produce): only the record-level checks
// (each record's number, link and signature) can catch them, and each says which record and why.
test('a forged archive whose body matches its signed SHA-256 still fails on the broken record, with the reason', () => {
  const other = generateSigningKeyPair();
  const [t1, t2, t3, t4, t5] = tickets as [SignedRecord, SignedRecord, SignedRecord, SignedRecord, SignedRecord];
  const resigned = (r: SignedRecord, over: Partial<SignedRecord>, key = keys.privateKeyPem): SignedRecord => {
    const unsigned = { ...r, ...over };
    return { ...unsigned, signature: signRecord(key, unsigned) };
  };
  const cases: [string, SignedRecord[], object[], string][] = [
    ['a record edited, its old signature kept', [t1, t2, { ...t3, payload: { n: 3, totalCents: 301 } }, t4, t5], [ranges[0]!], 'chain ticket: record 3: bad_signature'],
    ['a record signed by another key', [t1, t2, resigned(t3, {}, other.privateKeyPem), t4, t5], [ranges[0]!], 'chain ticket: record 3: bad_signature'],
    ['a record re-signed with a broken link', [t1, t2, resigned(t3, { prevSignature: t1.signature }), t4, t5], [ranges[0]!], 'chain ticket: record 3: prev_mismatch'],
    ['a record replaced by a re-signed one', [t1, t2, resigned(t3, { payload: { n: 3, totalCents: 1 } }), t4, t5], [ranges[0]!], 'chain ticket: record 4: prev_mismatch'],
    ['record 1 of a chain not linked to genesis (the range says the same)', [resigned(t1, { prevSignature: 'z'.repeat(86) }), t2, t3, t4, t5], [{ ...ranges[0]!, prevSignature: 'z'.repeat(86) }], 'chain ticket: record 1: prev_mismatch'],
    ['two records swapped', [t1, t3, t2, t4, t5], [ranges[0]!], 'expected ticket #2, found ticket #3'],
    ['a gap (record 3 dropped, the range shortened)', [t1, t2, t4, t5], [{ ...ranges[0]!, to: 4 }], 'expected ticket #3, found ticket #4'],
    ['a record of another register', [t1, t2, { ...t3, registerId: 'reg-other' }, t4, t5], [ranges[0]!], 'expected ticket #3, found ticket #3'],
    ['a range longer than its records', [t1, t2, t3, t4, t5], [{ ...ranges[0]!, to: 6 }], 'range ticket 1..6 is incomplete'],
  ];
  for (const [what, records, rs, reason] of cases) {
    const text = makeArchive(records, rs as never, what.startsWith('a range longer') ? { recordCount: 5 } : {});
    const check = verifyArchive(text);
    assert.equal(check.ok, false, `${what}: ${JSON.stringify(check)}`);
    assert.equal((check as { reason: string }).reason, reason, what);
    assert.equal(check.keyFingerprint, keyFingerprint(createPublicKey(keys.publicKeyPem)), what);
  }
});

test('the file format is fixed: header names the format, the digest is SHA-256 hex, the fingerprint is of the SPKI key', () => {
  const text = makeArchive([...tickets], [ranges[0]!]);
  assert.match(text.slice(0, text.indexOf('\n')), /"format":"comptoir-archive\/1"/);
  assert.equal(archiveDigest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const key = createPublicKey(keys.publicKeyPem);
  assert.equal(keyFingerprint(key), createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex'));
});
