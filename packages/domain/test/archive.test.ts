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
  verifyArchiveSequence,
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

/** An archive file over an arbitrary body and archive payload, re-signed (the header as given). */
function forged(body: string, payload: Record<string, unknown>, header: Record<string, unknown> = {}, archiveOver: Record<string, unknown> = {}) {
  const unsigned = {
    registerId: REGISTER,
    chain: 'archive',
    number: 1,
    recordedAt: '2027-01-02T10:00:00.000Z',
    payload: { type: 'archive', periodKey: '2026-12', recordCount: body.split('\n').filter(Boolean).length, sha256: archiveDigest(body), ...payload },
    prevSignature: GENESIS_SIGNATURE,
    ...archiveOver,
  };
  let signature = 'A'.repeat(86);
  try {
    signature = signRecord(keys.privateKeyPem, unsigned as never);
  } catch {
    // a record that cannot be signed (e.g. number 0): the verifier must say so, not throw
  }
  return `${JSON.stringify({ format: 'comptoir-archive/1', registerId: REGISTER, publicKeyPem: keys.publicKeyPem, archive: { ...unsigned, signature }, ...header })}\n${body}`;
}

test('each header check has its own reason: another chain, another register, not an archive, a malformed header', () => {
  const body = archiveBody(tickets);
  const range = [ranges[0]!];
  const cases: [string, string, string][] = [
    ['the header holds a ticket, not an archive record', forged(body, { ranges: range }, {}, { chain: 'ticket' }), 'the header does not hold an archive record of this register'],
    ['the archive record is of another register', forged(body, { ranges: range }, {}, { registerId: 'reg-other' }), 'the header does not hold an archive record of this register'],
    ['the archive payload is not of type archive', forged(body, { ranges: range, type: 'closure' }), 'the header does not hold an archive record of this register'],
    ['the archive payload is null', forged(body, {}, {}, { payload: null }), 'the header does not hold an archive record of this register'],
    ['a header whose registerId is a number', forged(body, { ranges: range }, { registerId: 7 }), 'header lacks registerId, publicKeyPem or archive'],
    ['a header whose key is not a string', forged(body, { ranges: range }, { publicKeyPem: 7 }), 'header lacks registerId, publicKeyPem or archive'],
    ['a header without the archive record', forged(body, { ranges: range }, { archive: null }), 'header lacks registerId, publicKeyPem or archive'],
    ['an archive record that cannot even be canonicalised (number 0)', forged(body, { ranges: range }, {}, { number: 0 }), 'the archive record signature does not verify'],
    ['an archive record with an unsigned field changed', forged(body, { ranges: range }).replace('"recordedAt":"2027-01-02T10:00:00.000Z"', '"recordedAt":"2027-01-03T10:00:00.000Z"'), 'the archive record signature does not verify'],
  ];
  for (const [what, text, reason] of cases) {
    let check;
    assert.doesNotThrow(() => (check = verifyArchive(text)), what);
    assert.equal(check!.ok, false, what);
    assert.equal((check as unknown as { reason: string }).reason, reason, what);
  }
  // The unforged twin of these cases verifies (so each case fails for its own reason only).
  assert.equal(verifyArchive(forged(body, { ranges: range })).ok, true);
});

test('ranges and record lines a re-signed archive can name: each malformed shape refused with its reason', () => {
  const body = archiveBody(tickets);
  const r0 = ranges[0]!;
  const malformed: [string, unknown[]][] = [
    ['a null range', [null]],
    ['a range that is not an object', ['ticket 1..5']],
    ['a range whose chain is not a string', [{ ...r0, chain: 1 }]],
    ['a range whose prevSignature is not a string', [{ ...r0, prevSignature: null }]],
    ['a range whose from is not an integer', [{ ...r0, from: 1.5 }]],
    ['a range whose to is not an integer', [{ ...r0, to: '5' }]],
    ['a range missing its from', [{ chain: 'ticket', to: 5, prevSignature: '' }]],
    ['a good range then a bad one', [r0, { ...r0, chain: 'event', from: 2, to: 1 }]],
  ];
  for (const [what, rs] of malformed) {
    const check = verifyArchive(forged(body, { ranges: rs }));
    assert.deepEqual([what, check.ok, (check as { reason?: string }).reason], [what, false, 'the archive record names malformed ranges']);
  }
  const lineCases: [string, string, string][] = [
    ['a record line that is null', 'null\n', 'a record line is not an object'],
    ['a record line that is a number', '5\n', 'a record line is not an object'],
    ['a record line that is not JSON', '{"chain":\n', 'a record line is not JSON'],
  ];
  for (const [what, lineBody, reason] of lineCases) {
    const check = verifyArchive(forged(lineBody, { ranges: [{ ...r0, to: 1 }] }));
    assert.deepEqual([what, check.ok, (check as { reason?: string }).reason], [what, false, reason]);
  }
  // A single range of exactly one record is well formed (from = to).
  assert.equal(verifyArchive(forged(archiveBody(tickets.slice(0, 1)), { ranges: [{ ...r0, to: 1 }] })).ok, true);
});

test('archive lines carry the keyId of records that have one; the check lists the key ids', () => {
  const id = keyFingerprint(createPublicKey(keys.publicKeyPem));
  const withIds: SignedRecord[] = [];
  let prev = GENESIS_SIGNATURE;
  for (let n = 1; n <= 3; n++) {
    const unsigned = { registerId: REGISTER, chain: 'ticket', number: n, recordedAt: '2026-12-01T10:00:00.000Z', payload: { n }, prevSignature: prev, keyId: id };
    const signature = signRecord(keys.privateKeyPem, unsigned);
    withIds.push({ ...unsigned, signature });
    prev = signature;
  }
  const body = archiveBody(withIds);
  assert.equal(body.split('\n')[0], `{"chain":"ticket","keyId":"${id}","number":1,"payload":{"n":1},"prevSignature":"","recordedAt":"2026-12-01T10:00:00.000Z","registerId":"${REGISTER}","signature":"${withIds[0]!.signature}"}`);
  assert.equal(archiveBody(tickets.slice(0, 1)), `{"chain":"ticket","number":1,"payload":{"n":1,"totalCents":100},"prevSignature":"","recordedAt":"2026-12-02T10:00:00.000Z","registerId":"${REGISTER}","signature":"${tickets[0]!.signature}"}\n`);
  const check = verifyArchive(forged(body, { ranges: [{ chain: 'ticket', from: 1, to: 3, prevSignature: GENESIS_SIGNATURE }] }));
  assert.ok(check.ok, JSON.stringify(check));
  assert.deepEqual(check.keyIds, [id]);
  assert.deepEqual(check.heads, [{ chain: 'ticket', number: 3, signature: withIds[2]!.signature }]);
  assert.deepEqual(check.ranges, [{ chain: 'ticket', from: 1, to: 3, prevSignature: GENESIS_SIGNATURE }]);
  assert.equal(check.registerId, REGISTER);
  assert.equal(check.archive.number, 1);
  // A record naming another key fails its range's check even though the file's hash matches.
  const other = generateSigningKeyPair();
  const otherId = keyFingerprint(createPublicKey(other.publicKeyPem));
  const u = { ...withIds[0]!, keyId: otherId };
  const lying = archiveBody([{ ...u, signature: signRecord(keys.privateKeyPem, u) }]);
  const refused = verifyArchive(forged(lying, { ranges: [{ chain: 'ticket', from: 1, to: 1, prevSignature: GENESIS_SIGNATURE }] }));
  assert.deepEqual([refused.ok, (refused as { reason?: string }).reason], [false, 'chain ticket: record 1: bad_signature']);
});

test('archives in sequence: one register, the archive chain linked, each range following the last archived record', () => {
  const all = chain('ticket', 8);
  const ev = chain('event', 2);
  const signedArchive = (number: number, prevSignature: string, records: SignedRecord[], rs: object[], registerId = REGISTER, periodKey = `2026-${number}`) => {
    const body = archiveBody(records);
    const unsigned = { registerId, chain: 'archive', number, recordedAt: '2027-01-02T10:00:00.000Z', payload: { type: 'archive', periodKey, ranges: rs, recordCount: records.length, sha256: archiveDigest(body) }, prevSignature };
    const archive = { ...unsigned, signature: signRecord(keys.privateKeyPem, unsigned) };
    return verifyArchive(archiveFile({ registerId, publicKeyPem: keys.publicKeyPem, archive }, body));
  };
  const first = signedArchive(1, GENESIS_SIGNATURE, [...all.slice(0, 5), ...ev], [{ chain: 'ticket', from: 1, to: 5, prevSignature: GENESIS_SIGNATURE }, { chain: 'event', from: 1, to: 2, prevSignature: GENESIS_SIGNATURE }]);
  assert.ok(first.ok, JSON.stringify(first));
  assert.deepEqual(first.heads, [{ chain: 'ticket', number: 5, signature: all[4]!.signature }, { chain: 'event', number: 2, signature: ev[1]!.signature }]);
  const nextRange = { chain: 'ticket', from: 6, to: 8, prevSignature: all[4]!.signature };
  const second = signedArchive(2, first.archive.signature, all.slice(5), [nextRange]);
  assert.ok(second.ok, JSON.stringify(second));
  assert.deepEqual(verifyArchiveSequence([first, second]), { ok: true });
  assert.deepEqual(verifyArchiveSequence([first]), { ok: true });
  assert.deepEqual(verifyArchiveSequence([]), { ok: true });
  // A third archive that holds only events: it must follow the first file's event head (the second held none).
  const ev2 = chain('event', 2, 3, ev[1]!.signature);
  const third = signedArchive(3, second.archive.signature, ev2, [{ chain: 'event', from: 3, to: 4, prevSignature: ev[1]!.signature }]);
  assert.ok(third.ok, JSON.stringify(third));
  assert.deepEqual(verifyArchiveSequence([first, second, third]), { ok: true });

  const refused = (archives: (typeof first)[]) => {
    const c = verifyArchiveSequence(archives as never);
    return c.ok ? 'ok' : c.reason;
  };
  const ok = (c: ReturnType<typeof verifyArchive>) => {
    assert.ok(c.ok, JSON.stringify(c));
    return c;
  };
  assert.equal(refused([second, first]), 'archive 2026-1 after 2026-2: archive record 1 does not follow 2 (give the archives between them, a fiscal-year archive included)');
  assert.equal(refused([first, third]), 'archive 2026-3 after 2026-1: archive record 3 does not follow 1 (give the archives between them, a fiscal-year archive included)');
  const skewed = ok(signedArchive(2, 'q'.repeat(86), all.slice(5), [nextRange]));
  assert.equal(refused([first, skewed]), "archive 2026-2 after 2026-1: the archive record does not follow the previous one's signature");
  const theirs = all.slice(5).map(({ signature: _, ...r }) => ({ ...r, registerId: 'reg-other' })).map((r) => ({ ...r, signature: '' }));
  for (const [i, r] of theirs.entries()) {
    r.prevSignature = i === 0 ? all[4]!.signature : theirs[i - 1]!.signature;
    r.signature = signRecord(keys.privateKeyPem, r);
  }
  const otherRegister = ok(signedArchive(2, first.archive.signature, theirs, [nextRange], 'reg-other'));
  assert.equal(refused([first, otherRegister as never]), `archive 2026-2 after 2026-1: another register (reg-other, not ${REGISTER})`);
  const late = chain('ticket', 2, 7, all[5]!.signature);
  const skipping = ok(signedArchive(2, first.archive.signature, late, [{ chain: 'ticket', from: 7, to: 8, prevSignature: all[5]!.signature }]));
  assert.equal(refused([first, skipping]), 'archive 2026-2 after 2026-1: chain ticket starts at 7, the previous archive ends at 5');
  const relinked = chain('ticket', 3, 6, 'r'.repeat(86));
  const unlinked = ok(signedArchive(2, first.archive.signature, relinked, [{ chain: 'ticket', from: 6, to: 8, prevSignature: 'r'.repeat(86) }]));
  assert.equal(refused([first, unlinked]), "archive 2026-2 after 2026-1: chain ticket record 6 does not follow the previous archive's last signature");
});

test('the last shapes a forged archive can take, each with its own reason', () => {
  const [t1, t2, , t4, t5] = tickets as [SignedRecord, SignedRecord, SignedRecord, SignedRecord, SignedRecord];
  // A header line that is empty (the file starts with a newline) is not JSON; it is a header line.
  const good = makeArchive([...tickets], [ranges[0]!]);
  assert.deepEqual(verifyArchive(`\n${good}`), { ok: false, reason: 'header is not JSON' });
  // One good record line, then a null one: refused as not an object (never thrown).
  const body = `${archiveBody([t1])}null\n`;
  const mixed = verifyArchive(forged(body, { ranges: [{ ...ranges[0]!, to: 2 }] }));
  assert.deepEqual([mixed.ok, (mixed as { reason?: string }).reason], [false, 'a record line is not an object']);
  // A record of another chain with the expected number, inside the ticket range.
  const intruder = { ...events[0]!, number: 3 };
  const wrongChain = verifyArchive(forged(archiveBody([t1, t2, intruder, t4, t5]), { ranges: [ranges[0]!] }));
  assert.deepEqual([wrongChain.ok, (wrongChain as { reason?: string }).reason], [false, 'expected ticket #3, found event #3']);
});

test('archives in sequence: a chain the earlier files never held is linked through the archive chain only', () => {
  const first = verifyArchive(makeArchive([...tickets], [ranges[0]!]));
  assert.ok(first.ok, JSON.stringify(first));
  const closures = chain('closure', 2);
  const body = archiveBody(closures);
  const unsigned = {
    registerId: REGISTER,
    chain: 'archive',
    number: 2,
    recordedAt: '2027-02-02T10:00:00.000Z',
    payload: { type: 'archive', periodKey: '2027-01', ranges: [{ chain: 'closure', from: 1, to: 2, prevSignature: GENESIS_SIGNATURE }], recordCount: 2, sha256: archiveDigest(body) },
    prevSignature: first.archive.signature,
  };
  const second = verifyArchive(archiveFile({ registerId: REGISTER, publicKeyPem: keys.publicKeyPem, archive: { ...unsigned, signature: signRecord(keys.privateKeyPem, unsigned) } }, body));
  assert.ok(second.ok, JSON.stringify(second));
  let check;
  assert.doesNotThrow(() => (check = verifyArchiveSequence([first, second])));
  assert.deepEqual(check, { ok: true });
});
