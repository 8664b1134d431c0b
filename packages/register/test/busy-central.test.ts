import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { eventually, freePort, http, startRegisterProcess, type RegisterProcess } from '@comptoir/testing';
import { DEMO_SKUS, FAR_SCHEDULE, centralPerFile, type TestCentral } from './support/central';
import { tmp } from './helpers';

/**
 * Busy is not down, with real processes: a register process reaches the real central process
 * through a relay that, while "busy", answers every call 503 CENTRAL_BUSY with `Retry-After: 1`
 * (what central's admission control, or a load balancer in front of it, says when saturated). For
 * far longer than the ~2 s in which a cut is detected, the register stays connected, writes no
 * offline_start, slows its heartbeats to the Retry-After, keeps selling; once central answers again
 * its sale is integrated exactly once.
 */
const centralOfFile = centralPerFile();

describe('a saturated central (429/503 + Retry-After) is alive, not down', () => {
  let central: TestCentral;
  let relay: Server;
  let reg: RegisterProcess;
  let registerId: string;
  let busy = false;
  const busyAnswers: { path: string; at: number }[] = [];
  let cleanup: () => Promise<void> = async () => {};

  before(async () => {
    central = await centralOfFile();
    const relayPort = await freePort();
    relay = createServer((req, res) => {
      if (busy) {
        busyAnswers.push({ path: req.url ?? '', at: Date.now() });
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'CENTRAL_BUSY', message: 'Central is busy: try again shortly', details: { retryAfterSeconds: 1 } } }));
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: central.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => relay.listen(relayPort, '127.0.0.1', r));
    const created = await central.createRegister('Caisse sous charge');
    registerId = created.id;
    await central.setSosSchedule(registerId, FAR_SCHEDULE);
    const dir = await tmp();
    reg = await startRegisterProcess({ dataDir: join(dir.path, 'reg'), centralUrl: `http://127.0.0.1:${relayPort}`, enrolCode: created.enrolCode, name: 'register-busy' });
    cleanup = async () => {
      await reg.handle.stop();
      await new Promise<void>((r) => relay.close(() => r()));
      relay.closeAllConnections();
      await dir.cleanup();
    };
  });
  after(async () => cleanup());

  test('stays connected through 5 s of busy answers, sells, and its sale is integrated once central answers', async () => {
    await eventually('connected with a copy', async () => {
      const s = (await http(reg.url, 'GET', '/api/status')).body;
      return s.mode === 'connected' && s.lastSosCopyAt !== null;
    }, 30_000);
    const login = await http(reg.url, 'POST', '/api/auth/login', { body: central.cashier });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const token = login.body.token as string;

    busy = true;
    const since = Date.now();
    const modes = new Set<string>();
    let sold = false;
    while (Date.now() - since < 5000) {
      const s = (await http(reg.url, 'GET', '/api/status')).body;
      modes.add(s.mode);
      if (!sold && Date.now() - since > 1000) {
        const sale = await http(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 1000 }] } });
        assert.equal(sale.status, 201, JSON.stringify(sale.body));
        sold = true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    busy = false;
    assert.deepEqual([...modes], ['connected'], 'never autonomous while central says busy');
    const beats = busyAnswers.filter((a) => a.path === '/api/sync/heartbeat');
    assert.ok(beats.length >= 2, `heartbeats went on (${beats.length})`);
    assert.ok(beats.length <= 5, `heartbeats waited for Retry-After (${beats.length} in 5 s, not one per failure at once)`);
    for (let i = 1; i < beats.length; i++) assert.ok(beats[i]!.at - beats[i - 1]!.at >= 950, `heartbeats ${i - 1}→${i} ${beats[i]!.at - beats[i - 1]!.at} ms apart`);

    await eventually('the sale integrated', async () => (await http(reg.url, 'GET', '/api/status')).body.pendingRecords === 0, 20_000);
    const tickets = await central.tickets(registerId);
    assert.equal(tickets.length, 1);
    const events = central.records(registerId).filter((r) => r.chain === 'event').map((r) => r.payload.event);
    assert.ok(!events.includes('offline_start'), `no offline period was recorded: ${events.join(', ')}`);
  });
});
