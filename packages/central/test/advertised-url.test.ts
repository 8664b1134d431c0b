import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * A register cannot point central at another machine (docs/security.md, malicious register): the
 * URL of its heartbeat is kept only when http(s), pinned to the address the heartbeat came from;
 * an admin may set one explicitly, which heartbeats leave alone. Central's calls to a register
 * (copy now, prepare-outage) read at most 64 KB of its answer and never show its text.
 */
const HEARTBEAT = { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null };

for (const dialect of DIALECTS) {
  describe(`advertised URL of a register [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    let evil: Server;
    let answer: (res: import('node:http').ServerResponse) => void = (res) => res.end();
    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse 1');
      evil = createServer((_req, res) => answer(res));
      await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      await new Promise((r) => evil?.close(r));
      await c?.close();
    });

    const heartbeat = async (advertisedUrl: string, remoteAddress: string) => {
      const res = await c.app.inject({
        method: 'POST',
        url: '/api/sync/heartbeat',
        remoteAddress,
        headers: { authorization: `Bearer ${reg.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        payload: { ...HEARTBEAT, advertisedUrl },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const stored = async () => (await c.db.selectFrom('registers').select('advertised_url').where('id', '=', reg.id).executeTakeFirstOrThrow()).advertised_url;

    it('keeps only http(s) URLs, pinned to the address the heartbeat came from', async () => {
      await heartbeat('http://10.0.0.12:4101', '10.0.0.12');
      assert.equal(await stored(), 'http://10.0.0.12:4101');
      // Another machine named in the URL: central keeps the port, but the heartbeat's own address.
      await heartbeat('http://169.254.169.254:80/latest/meta-data', '10.0.0.12');
      assert.equal(await stored(), 'http://10.0.0.12');
      await heartbeat('http://intranet.example:4101/', '::ffff:10.0.0.13');
      assert.equal(await stored(), 'http://10.0.0.13:4101');
      await heartbeat('https://[::1]:4443', 'fe80::1');
      assert.equal(await stored(), 'https://[fe80::1]:4443');
      for (const bad of ['file:///etc/passwd', 'gopher://10.0.0.12:70/', 'http://user:secret@10.0.0.12:4101']) {
        await heartbeat(bad, '10.0.0.12');
        assert.equal(await stored(), 'https://[fe80::1]:4443', `${bad} is not kept`);
      }
    });

    it('an admin sets a URL explicitly; heartbeats leave it until the admin gives it back', async () => {
      const refused = await c.call('PUT', `/api/registers/${reg.id}/advertised-url`, c.adminToken, { url: 'file:///etc/passwd' });
      assert.equal(refused.status, 400);
      const manager = await c.call('PUT', `/api/registers/${reg.id}/advertised-url`, c.managerToken, { url: 'http://caisse-1.boutique.lan:4101' });
      assert.equal(manager.status, 403, 'admin only');
      const set = await c.call('PUT', `/api/registers/${reg.id}/advertised-url`, c.adminToken, { url: 'http://caisse-1.boutique.lan:4101' });
      assert.equal(set.status, 200, JSON.stringify(set.json));
      await heartbeat('http://10.0.0.12:4101', '10.0.0.12');
      assert.equal(new URL((await stored())!).origin, 'http://caisse-1.boutique.lan:4101', 'the heartbeat did not overwrite it');
      const back = await c.call('PUT', `/api/registers/${reg.id}/advertised-url`, c.adminToken, { url: null });
      assert.equal(back.status, 200);
      await heartbeat('http://10.0.0.12:4101', '10.0.0.12');
      assert.equal(await stored(), 'http://10.0.0.12:4101');
    });

    it("central reads at most 64 KB of a register's answer and never shows its text", async () => {
      const port = (evil.address() as AddressInfo).port;
      await heartbeat(`http://127.0.0.1:${port}`, '127.0.0.1');
      answer = (res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Appelez le 0899 ou allez sur http://phishing.example' } }));
      };
      let r = await c.call('POST', `/api/registers/${reg.id}/copy-now`, c.adminToken);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.status, 'failed');
      assert.equal(r.json.code, 'INTERNAL');
      assert.doesNotMatch(JSON.stringify(r.json), /phishing|0899/, 'the answer is not echoed');
      answer = (res) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('<h1>pwned</h1>');
      };
      r = await c.call('POST', `/api/registers/${reg.id}/copy-now`, c.adminToken);
      assert.equal(r.json.status, 'failed');
      assert.doesNotMatch(JSON.stringify(r.json), /pwned/);
      answer = (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const more = () => {
          while (sent < 1000 && res.write(chunk)) sent++;
          if (sent < 1000) res.once('drain', more);
          else res.end();
        };
        res.on('error', () => {});
        more();
      };
      r = await c.call('POST', `/api/registers/${reg.id}/copy-now`, c.adminToken);
      assert.equal(r.json.status, 'failed');
      assert.match(r.json.reason, /over 64 KB/);
    });
  });
}
