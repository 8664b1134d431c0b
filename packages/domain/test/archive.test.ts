import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
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

test('every way of breaking an archive is reported, never thrown', () => {
  const good = makeArchive([...tickets, ...events], ranges);
  const lines = good.split('\n');
  const other = generateSigningKeyPair();
  const cases: [string, string][] = [
    ['a record edited', good.replace('"totalCents":300', '"totalCents":301')],
    ['a record dropped', [...lines.slice(0, 3), ...lines.slice(4)].join('\n')],
    ['two records swapped', [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n')],
    ['another key in the header', good.replace(JSON.stringify(keys.publicKeyPem).slice(1, -1), JSON.stringify(other.publicKeyPem).slice(1, -1))],
    ['a header that is not JSON', `{oops\n${lines.slice(1).join('\n')}`],
    ['no header at all', ''],
    ['an empty range', makeArchive([...tickets], [{ chain: 'event', from: 7, to: 6, prevSignature: '' }, ranges[0]!])],
    ['ranges that are not a list', makeArchive([...tickets], 'all' as never)],
    ['a run that does not follow the previous archive', makeArchive([...tickets, ...events], [ranges[0]!, { ...ranges[1]!, prevSignature: 'y'.repeat(86) }])],
    ['records the ranges do not name', makeArchive([...tickets, ...events], [ranges[0]!], { recordCount: 8 })],
    ['a count that does not match', makeArchive([...tickets, ...events], ranges, { recordCount: 9 })],
    ['a record line that is not an object', makeArchive([...tickets], [ranges[0]!]).replace(/\n[^\n]*\n$/, '\nnull\n')],
  ];
  for (const [what, text] of cases) {
    let check;
    assert.doesNotThrow(() => (check = verifyArchive(text)), what);
    assert.equal(check!.ok, false, `${what}: ${JSON.stringify(check)}`);
  }
});
