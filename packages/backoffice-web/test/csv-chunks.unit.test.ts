import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvChunks } from '../src/csv-chunks';

// The catalogue import splits a CSV into chunks the server validates one by one: each with the
// header, at most `rows` records, and the file line of its first record for the rejection report.

test('chunks of at most N records, each with the header and the line of its first record', () => {
  const text = ['sku;label', 'A;a', 'B;b', 'C;c', 'D;d', 'E;e'].join('\n');
  assert.deepEqual(csvChunks(text, 2), [
    { body: 'sku;label\nA;a\nB;b\n', firstLine: 2, records: 2 },
    { body: 'sku;label\nC;c\nD;d\n', firstLine: 4, records: 2 },
    { body: 'sku;label\nE;e\n', firstLine: 6, records: 1 },
  ]);
  assert.deepEqual(csvChunks(`${text}\n`, 5).map((c) => [c.firstLine, c.records]), [[2, 5]], 'a trailing newline adds no record');
});

test('a quoted field may hold newlines and quotes: it stays one record, and later line numbers count its lines', () => {
  const text = 'sku;label\r\nA;"two\nlines"\r\nB;"say ""hi""\nthere"\r\nC;c\r\n';
  const chunks = csvChunks(text, 2);
  assert.deepEqual(chunks.map((c) => [c.firstLine, c.records]), [[2, 2], [6, 1]]);
  assert.equal(chunks[0]!.body, 'sku;label\nA;"two\nlines"\nB;"say ""hi""\nthere"\n');
  assert.equal(chunks[1]!.body, 'sku;label\nC;c\n\n', 'the last blank line is kept (blank lines are no records)');
});

test('a byte-order mark is dropped; blank lines are not records; an unterminated quote keeps the rest, sent for the server to refuse', () => {
  assert.deepEqual(csvChunks('\uFEFFsku;label\nA;a\n\nB;b\n', 10), [{ body: 'sku;label\nA;a\n\nB;b\n\n', firstLine: 2, records: 2 }]);
  assert.deepEqual(csvChunks('sku;label\n', 10), []);
  const open = csvChunks('sku;label\nA;"never closed\nB;b', 10);
  assert.equal(open.length, 1);
  assert.equal(open[0]!.body, 'sku;label\nA;"never closed\nB;b\n');
  assert.equal(open[0]!.records, 0, 'not counted as a record: it never ended');
});
