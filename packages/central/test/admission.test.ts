import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { generateSigningKeyPair } from '@comptoir/domain';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { eventually, holdPushSlot, http, startCentralProcess, tempDir, type CentralProcess } from '@comptoir/testing';
import { DIALECTS, onDialect, sharedPostgres, stopSharedPostgres } from './fixtures/central';
import { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

// Admission control against a real central process: with one push allowed in flight, a push whose
// body is still arriving holds the slot; the next push is refused AT ONCE with 503 CENTRAL_BUSY and
// `Retry-After`, nothing stored, while heartbeats (liveness) are still answered; once the slot is
// free, pushes are served again. "At once" is shown without a clock: the refusal comes while the
// held push is still in flight (it was not queued behind it) and to a push whose body never
// arrives (it was refused before its body was read, so before any database or signature work).
for (const dialect of DIALECTS) {
  describe(`admission control on the push path [${dialect}]`, onDialect(dialect), () => {
    let central: CentralProcess;
    let cleanup: () => Promise<void>;
    let reg: FakeRegister;

    before(async () => {
      const dir = await tempDir('comptoir-admission-');
      const databaseUrl = dialect === 'postgres' ? await (await sharedPostgres()).createDatabase(`admission_${process.pid}_${Date.now()}`) : undefined;
      central = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl, name: `central-admission-${dialect}`, env: { COMPTOIR_MAX_PUSHES_IN_FLIGHT: '1' } });
      cleanup = async () => {
        await central.handle.stop();
        await dir.cleanup();
      };
      const admin = (await http(central.url, 'POST', '/api/auth/login', { body: central.credentials().admin })).body.token;
      const created = await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: 'Caisse' } });
      const keys = generateSigningKeyPair();
      const enrolled = await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: created.body.enrolCode, publicKeyPem: keys.publicKeyPem } });
      reg = new FakeRegister(created.body.id, central.credentials().storeId, enrolled.body.token, keys.privateKeyPem);
    });
    after(async () => cleanup?.());

    /** A push whose headers are sent and whose body never comes, over the bound: central's answer (it can only answer before the body). */
    async function answerBeforeBody(): Promise<{ status: number; retryAfter: string | undefined; code: string | undefined }> {
      const req = httpRequest({
        host: '127.0.0.1', port: central.port, method: 'POST', path: '/api/sync/push',
        headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'content-length': '100000' },
      });
      req.on('error', () => {});
      req.write('{"records":[');
      try {
        const [res] = (await once(req, 'response', { signal: AbortSignal.timeout(10_000) })) as [IncomingMessage];
        let text = '';
        for await (const chunk of res) text += chunk;
        const retryAfter = res.headers['retry-after'];
        return { status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, code: (JSON.parse(text) as { error?: { code: string } }).error?.code };
      } finally {
        req.destroy();
      }
    }
    const push = (records: unknown[]) =>
      fetch(`${central.url}/api/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        body: JSON.stringify({ records }),
        signal: AbortSignal.timeout(10_000),
      });

    it('refuses the push over the bound with 503 CENTRAL_BUSY + Retry-After, answers heartbeats, then serves pushes again', async () => {
      const held = holdPushSlot(central.port, reg.token);
      // Probe with empty pushes (they store nothing) until the held push has its slot.
      const seen: number[] = [];
      await eventually('the held push admitted', async () => {
        const res = await push([]);
        await res.body?.cancel();
        seen.push(res.status);
        return res.status === 503;
      }, 10_000).catch((e: Error) => assert.fail(`${e.message}; statuses seen: ${[...new Set(seen)].join(', ')}`));
      let heldClosed = false;
      held.once('close', () => (heldClosed = true));
      const record = reg.event('login');
      const res = await push([record]);
      const refused = { res, body: (await res.json()) as { error?: { code: string } } };
      assert.equal(res.status, 503);
      assert.equal(refused.body.error?.code, 'CENTRAL_BUSY');
      assert.equal(refused.res.headers.get('retry-after'), '1');
      // Not queued behind the held push: answered while that push is still in flight.
      const early = await answerBeforeBody();
      assert.deepEqual(early, { status: 503, retryAfter: '1', code: 'CENTRAL_BUSY' }, 'a push whose body never comes is refused before its body is read');
      assert.equal(heldClosed, false, 'both refusals came while the held push still held its slot');
      const beat = await http(central.url, 'POST', '/api/sync/heartbeat', {
        token: reg.token,
        body: { mode: 'connected', pendingRecords: 1, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null },
      });
      assert.equal(beat.status, 200, `liveness is not gated: ${JSON.stringify(beat.body)}`);
      assert.equal(beat.body.heads.event ?? 0, 0, 'the refused push stored nothing');
      held.destroy();
      const served = await eventually('a push served once the slot is free', async () => {
        const res = await push([record]);
        return res.status === 200 ? ((await res.json()) as { heads: Record<string, number> }) : null;
      }, 10_000);
      assert.equal(served.heads.event, 1);
    });
  });
}
