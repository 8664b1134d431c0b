// The archive uploader on its own: a real (temporary) register database and real files, a fake
// central client answering as scripted, and a clock the test moves (the retry delay).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArchiveFileReceipt } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { CentralCallError, type CentralClient } from './central-client';
import { ArchiveUploader } from './archive-upload';
import { registerContext } from '../../test/unit-register';

type Answer = 'ok' | CentralCallError;

async function uploader(opts: { answers: Answer[]; canPush?: () => boolean }) {
  const ctx = await registerContext();
  const sent: { number: number; bytes: string }[] = [];
  const client = {
    async sendArchiveFile(number: number, bytes: Uint8Array): Promise<ArchiveFileReceipt> {
      sent.push({ number, bytes: Buffer.from(bytes).toString('utf8') });
      const answer = opts.answers.shift() ?? 'ok';
      if (answer !== 'ok') throw answer;
      return { registerId: 'reg-unit', number, periodKey: '2025-03', sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, receivedAt: new Date().toISOString() };
    },
  } as unknown as CentralClient;
  let now = 0;
  const up = new ArchiveUploader(ctx, client, { canPush: opts.canPush ?? (() => true) }, () => now);
  return { ctx, up, sent, advance: (ms: number) => (now += ms), pass: async () => { up.kick(); await up.settled(); } };
}

/** An archive file written at signing (its row), integrated at central or not. */
function written(ctx: RegisterContext, number: number, text: string, integrated: boolean): string {
  const file = join(dirname(ctx.sqlite.name), `archive-${number}.ndjson`);
  writeFileSync(file, text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  ctx.sqlite.prepare('INSERT INTO archive_files (number, file, sha256, written_at) VALUES (?, ?, ?, ?)').run(number, file, sha256, '2025-04-01T00:00:00.000Z');
  if (integrated) integrate(ctx, number);
  return file;
}
const integrate = (ctx: RegisterContext, number: number) =>
  ctx.sqlite.prepare("INSERT INTO integrations (chain, number, integrated_at) VALUES ('archive', ?, '2025-04-01T00:00:01.000Z')").run(number);
const rows = (ctx: RegisterContext) =>
  (ctx.sqlite.prepare('SELECT number, sent_at, refused FROM archive_files ORDER BY number').all() as { number: number; sent_at: string | null; refused: string | null }[]).map((r) => [r.number, r.sent_at !== null, r.refused]);

test('sends the files of integrated archives only, in order, each once', async () => {
  const u = await uploader({ answers: [] });
  written(u.ctx, 1, 'month\n', true);
  written(u.ctx, 2, 'year\n', true);
  written(u.ctx, 3, 'not pushed yet\n', false);
  await u.pass();
  assert.deepEqual(u.sent, [{ number: 1, bytes: 'month\n' }, { number: 2, bytes: 'year\n' }]);
  assert.deepEqual(rows(u.ctx), [[1, true, null], [2, true, null], [3, false, null]]);
  await u.pass();
  assert.equal(u.sent.length, 2, 'nothing sent twice');
  integrate(u.ctx, 3);
  await u.pass();
  assert.deepEqual(u.sent.map((s) => s.number), [1, 2, 3]);
});

test('a network failure, a 5xx, ARCHIVE_NOT_INTEGRATED or no such route: retried after a growing delay, then sent', async () => {
  const u = await uploader({
    answers: [
      new CentralCallError('network', 'connect ECONNREFUSED'),
      new CentralCallError('http', '503', 503, 'INTERNAL'),
      new CentralCallError('http', '409', 409, 'ARCHIVE_NOT_INTEGRATED'),
      new CentralCallError('http', '404', 404, 'NOT_FOUND', {}),
    ],
  });
  written(u.ctx, 1, 'month\n', true);
  await u.pass();
  assert.deepEqual(rows(u.ctx), [[1, false, null]]);
  await u.pass();
  assert.equal(u.sent.length, 1, 'not before its delay (a heartbeat kicks it in vain)');
  u.advance(2_000);
  await u.pass();
  assert.equal(u.sent.length, 2);
  u.advance(2_000);
  await u.pass();
  assert.equal(u.sent.length, 2, 'the delay doubled (4 s)');
  u.advance(2_000);
  await u.pass();
  assert.equal(u.sent.length, 3);
  assert.deepEqual(rows(u.ctx), [[1, false, null]]);
  u.advance(8_000);
  await u.pass();
  assert.equal(u.sent.length, 4, 'a central without the route (older than the register): later too');
  assert.deepEqual(rows(u.ctx), [[1, false, null]]);
  u.advance(16_000);
  await u.pass();
  assert.equal(u.sent.length, 5);
  assert.deepEqual(rows(u.ctx), [[1, true, null]], 'sent at last');
});

test('a refusal (ARCHIVE_FILE_MISMATCH) or a file changed on disk is final: refused, never sent again; the next file still goes', async () => {
  const u = await uploader({ answers: [new CentralCallError('http', '422', 422, 'ARCHIVE_FILE_MISMATCH')] });
  written(u.ctx, 1, 'month\n', true);
  const changed = written(u.ctx, 2, 'year\n', true);
  written(u.ctx, 3, 'next\n', true);
  writeFileSync(changed, 'year, edited\n');
  await u.pass();
  assert.deepEqual(u.sent.map((s) => s.number), [1, 3], 'the changed file is not sent');
  const r = rows(u.ctx);
  assert.equal(r[0]![1], false);
  assert.match(String(r[0]![2]), /^ARCHIVE_FILE_MISMATCH/);
  assert.match(String(r[1]![2]), /changed since it was written/);
  assert.deepEqual(r[2], [3, true, null]);
  u.advance(600_000);
  await u.pass();
  assert.equal(u.sent.length, 2, 'refused files are not retried');
});

test('nothing is sent while the link may not push', async () => {
  let up = false;
  const u = await uploader({ answers: [], canPush: () => up });
  written(u.ctx, 1, 'month\n', true);
  await u.pass();
  assert.deepEqual(u.sent, []);
  up = true;
  await u.pass();
  assert.equal(u.sent.length, 1);
});
