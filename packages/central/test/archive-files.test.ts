// Central keeps the archive files the registers wrote (issue 10 item 6): `PUT
// /api/sync/archives/:number/file` (a register, its own archives) stores the file only when it is the
// signed archive record's, byte for byte (central's own header line, the body under the signed
// SHA-256); `GET /api/archives/:registerId/:number/register-file` hands it out to the store's
// manager or an admin, recording who and when. On both databases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { archiveBody, archiveDigest, archiveFile, generateSigningKeyPair, verifyArchive } from '@comptoir/domain';
import type { SignedRecord } from '@comptoir/protocol';
import { CASHIER, DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';
import { hashSecret } from '../src/modules/auth/password';

after(stopSharedPostgres);

const NDJSON = 'application/x-ndjson';

for (const dialect of DIALECTS) {
  describe(`archive files kept by central [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let a: FakeRegister;
    let b: FakeRegister;
    let archive: SignedRecord;
    let file: string;
    let cashierToken: string;
    let noStoreToken: string;

    const upload = async (register: FakeRegister | null, number: number | string, body: string | Buffer, type = NDJSON) => {
      const res = await c.app.inject({
        method: 'PUT',
        url: `/api/sync/archives/${number}/file`,
        headers: { 'content-type': type, ...(register ? { authorization: `Bearer ${register.token}` } : {}) },
        payload: body,
      });
      return { status: res.statusCode, json: res.json() as any };
    };
    const download = (registerId: string, number: number, token: string | null) =>
      c.app.inject({ method: 'GET', url: `/api/archives/${registerId}/${number}/register-file`, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const kept = async () => (await c.db.selectFrom('archive_files').select(['register_id', 'number', 'sha256', 'size_bytes', 'content']).orderBy('number').execute());
    const downloads = async () => (await c.db.selectFrom('archive_file_downloads').select(['register_id', 'number', 'user_id']).execute()).map((d) => ({ ...d, number: Number(d.number) }));

    before(async () => {
      c = await startTestCentral(dialect);
      a = await c.enrolRegister('Caisse archivée');
      b = await c.enrolRegister('Caisse voisine');
      const tickets = [1, 2].map(() => a.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]));
      const events = [a.event('login')];
      const archived = [...tickets, ...events];
      archive = a.next('archive', {
        type: 'archive',
        periodKey: '2025-03',
        ranges: [
          { chain: 'ticket', from: 1, to: 2, prevSignature: '' },
          { chain: 'event', from: 1, to: 1, prevSignature: '' },
        ],
        recordCount: archived.length,
        sha256: archiveDigest(archiveBody(archived)),
      });
      // The file as the register writes it (domain archiveFile: its header, then the signed body).
      file = archiveFile({ registerId: a.id, publicKeyPem: a.publicKeyPem, archive }, archiveBody(archived));
      // Only the tickets and events first: the archive record is not integrated yet.
      assert.equal((await c.call('POST', '/api/sync/push', a.token, { records: archived })).status, 200);
      cashierToken = (await c.call('POST', '/api/auth/login', null, { username: CASHIER.username, password: CASHIER.password })).json.token;
      await c.db.insertInto('users').values({ id: 'u-nostore', username: 'sansmagasin', display_name: 'Sans magasin', role: 'manager', password_hash: (await hashSecret('no-store-password'))!, pin_hash: null, store_id: null, active: 1, change_version: 1 }).execute();
      noStoreToken = (await c.call('POST', '/api/auth/login', null, { username: 'sansmagasin', password: 'no-store-password' })).json.token;
    });
    after(async () => c?.close());

    it('refuses the file of an archive record central has not integrated (409 ARCHIVE_NOT_INTEGRATED), storing nothing', async () => {
      const early = await upload(a, archive.number, file);
      assert.equal(early.status, 409, JSON.stringify(early.json));
      assert.equal(early.json.error.code, 'ARCHIVE_NOT_INTEGRATED');
      assert.deepEqual(await kept(), []);
      const pushed = await c.call('POST', '/api/sync/push', a.token, { records: [archive] });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
      assert.equal(pushed.json.heads.archive, 1);
      // Another register of the store has no archive 1: its own archives only.
      const foreign = await upload(b, archive.number, file);
      assert.equal(foreign.status, 409, JSON.stringify(foreign.json));
      assert.equal(foreign.json.error.code, 'ARCHIVE_NOT_INTEGRATED');
      assert.deepEqual(await kept(), []);
    });

    it('refuses anything but the signed record\'s file (422 ARCHIVE_FILE_MISMATCH) and bad requests (400), storing nothing', async () => {
      const lines = file.split('\n');
      assert.ok(lines[1]!.includes('"label":"Produit BAGUETTE"'));
      const tamperedBody = [lines[0], lines[1]!.replace('"label":"Produit BAGUETTE"', '"label":"Produit BAGUETTF"'), ...lines.slice(2)].join('\n');
      const otherKey = archiveFile({ registerId: a.id, publicKeyPem: generateSigningKeyPair().publicKeyPem, archive }, file.slice(file.indexOf('\n') + 1));
      const truncated = file.slice(0, file.lastIndexOf('\n', file.length - 2) + 1);
      for (const [what, body, reason] of [
        ['a record changed', tamperedBody, /do not hash to the signed SHA-256/],
        ['a record missing', truncated, /do not hash to the signed SHA-256/],
        ['a line added', `${file}${lines[1]}\n`, /do not hash to the signed SHA-256/],
        ['another public key in the header', otherKey, /header/],
        ['the header alone', `${lines[0]}\n`, /do not hash/],
        ['no header', file.slice(file.indexOf('\n') + 1), /header/],
        ['not an archive file', 'hello\n', /header/],
      ] as const) {
        const r = await upload(a, archive.number, body);
        assert.equal(r.status, 422, `${what}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.error.code, 'ARCHIVE_FILE_MISMATCH', what);
        assert.match(r.json.error.details.reason, reason, what);
      }
      for (const [what, number, body, type] of [
        ['an empty body', 1, '', NDJSON],
        ['JSON instead of the file', 1, '{"file":"x"}', 'application/json'],
        ['number 0', 0, file, NDJSON],
        ['a number that is not one', 'abc', file, NDJSON],
      ] as const) {
        const r = await upload(a, number, body, type);
        assert.ok(r.status === 400, `${what}: ${r.status} ${JSON.stringify(r.json)}`);
        assert.equal(r.json.error.code, 'VALIDATION', what);
      }
      assert.deepEqual(await kept(), []);
    });

    it('keeps the matching file (201), answers the same bytes again with 200, never a second copy', async () => {
      const sha256 = createHash('sha256').update(file, 'utf8').digest('hex');
      const first = await upload(a, archive.number, file);
      assert.equal(first.status, 201, JSON.stringify(first.json));
      assert.deepEqual({ ...first.json, receivedAt: undefined }, { registerId: a.id, number: 1, periodKey: '2025-03', sha256, sizeBytes: Buffer.byteLength(file), receivedAt: undefined });
      const again = await upload(a, archive.number, Buffer.from(file, 'utf8'));
      assert.equal(again.status, 200, JSON.stringify(again.json));
      assert.deepEqual(again.json, first.json, 'the same receipt: the file kept the first time');
      const rows = await kept();
      assert.equal(rows.length, 1);
      assert.deepEqual([rows[0]!.register_id, Number(rows[0]!.number), rows[0]!.sha256, Number(rows[0]!.size_bytes)], [a.id, 1, sha256, Buffer.byteLength(file)]);
      assert.ok(Buffer.from(rows[0]!.content).equals(Buffer.from(file, 'utf8')), 'the bytes as sent');
      // A changed file after it is kept is still refused, and changes nothing.
      const changed = await upload(a, archive.number, file.replace('Produit BAGUETTE', 'Produit BAGUETTF'));
      assert.equal(changed.status, 422);
      assert.equal((await kept()).length, 1);
      // Append-only, whoever writes SQL.
      await assert.rejects(sql`UPDATE archive_files SET sha256 = 'x'`.execute(c.db), /append-only/);
      await assert.rejects(sql`DELETE FROM archive_files`.execute(c.db), /append-only/);
    });

    it('hands the kept file to the store\'s manager and an admin, byte for byte, recording each download', async () => {
      for (const token of [c.managerToken, c.adminToken]) {
        const res = await download(a.id, 1, token);
        assert.equal(res.statusCode, 200, res.body);
        assert.match(String(res.headers['content-type']), /^application\/x-ndjson; charset=utf-8/);
        assert.equal(res.headers['content-disposition'], `attachment; filename="comptoir-archive-${a.id}-2025-03.ndjson"`);
        assert.ok(res.rawPayload.equals(Buffer.from(file, 'utf8')), 'the bytes the register sent');
        assert.ok(verifyArchive(res.body).ok);
      }
      const users = (await c.db.selectFrom('users').select(['id', 'username']).execute()).reduce<Record<string, string>>((m, u) => ({ ...m, [u.username]: u.id }), {});
      assert.deepEqual(await downloads(), [
        { register_id: a.id, number: 1, user_id: users['gerant'] },
        { register_id: a.id, number: 1, user_id: users['admin'] },
      ]);
      // The rebuilt file is the same bytes too.
      const rebuilt = await c.app.inject({ method: 'GET', url: `/api/archives/${a.id}/1/file`, headers: { authorization: `Bearer ${c.adminToken}` } });
      assert.equal(rebuilt.body, file);
    });

    it('refuses other callers: no token 401, a cashier or a register 403, a manager of no store 404, a user on the upload 403; nothing recorded', async () => {
      const before = (await downloads()).length;
      assert.equal((await download(a.id, 1, null)).statusCode, 401);
      for (const token of [cashierToken, a.token]) {
        const r = await download(a.id, 1, token);
        assert.equal(r.statusCode, 403, r.body);
        assert.equal(r.json().error.code, 'FORBIDDEN');
      }
      const hidden = await download(a.id, 1, noStoreToken);
      assert.equal(hidden.statusCode, 404, hidden.body);
      assert.equal(hidden.json().error.code, 'NOT_FOUND');
      assert.equal((await downloads()).length, before);
      assert.equal((await upload(null, 1, file)).status, 401);
      for (const token of [c.adminToken, c.managerToken]) {
        const r = await c.app.inject({ method: 'PUT', url: '/api/sync/archives/1/file', headers: { 'content-type': NDJSON, authorization: `Bearer ${token}` }, payload: file });
        assert.equal(r.statusCode, 403, r.body);
      }
    });

    it('a file not sent yet is 404 ARCHIVE_FILE_NOT_RECEIVED (the rebuilt one still answers); an unknown archive 404 NOT_FOUND', async () => {
      const second = a.next('archive', {
        type: 'archive',
        periodKey: '2025-04',
        ranges: [],
        recordCount: 0,
        sha256: archiveDigest(''),
      });
      assert.equal((await c.call('POST', '/api/sync/push', a.token, { records: [second] })).status, 200);
      const waiting = await download(a.id, 2, c.managerToken);
      assert.equal(waiting.statusCode, 404, waiting.body);
      assert.equal(waiting.json().error.code, 'ARCHIVE_FILE_NOT_RECEIVED');
      const rebuilt = await c.app.inject({ method: 'GET', url: `/api/archives/${a.id}/2/file`, headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.equal(rebuilt.statusCode, 200, rebuilt.body);
      const unknown = await download(a.id, 3, c.managerToken);
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'NOT_FOUND');
      // The second file, sent now, is kept beside the first.
      assert.equal((await upload(a, 2, rebuilt.body)).status, 201);
      assert.deepEqual((await kept()).map((k) => Number(k.number)), [1, 2]);
    });
  });
}
