// Link monitor, modes, outbox, against a STAND-IN central (test/stub-central.ts) until packages/central lands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningRegister } from '../src/index';
import { StubCentral, initialState } from './stub-central';
import { api, eventually, startTestRegister, tmp } from './helpers';

const saleBody = { lines: [{ sku: 'CAFE', quantity: 1 }], payments: [{ method: 'cash', amountCents: 450 }] };

async function loginAs(reg: RunningRegister): Promise<string> {
  const r = await api(reg.url, 'POST', '/api/auth/login', { body: { login: 'alice', pin: '1234' } });
  assert.equal(r.status, 200);
  return r.body.token;
}

function localEvents(reg: RunningRegister): string[] {
  return (reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[]).map(
    (r) => JSON.parse(r.payload).event,
  );
}

/** Every local record integrated exactly once, and per chain in number order. */
function assertExactlyOnceInOrder(reg: RunningRegister, central: StubCentral): void {
  const local = reg.ctx.sqlite.prepare('SELECT chain, number FROM records').all() as { chain: string; number: number }[];
  const count = new Map<string, number>();
  const lastByChain = new Map<string, number>();
  for (const r of central.state.integratedLog) {
    const k = `${r.chain}/${r.number}`;
    count.set(k, (count.get(k) ?? 0) + 1);
    assert.equal(r.number, (lastByChain.get(r.chain) ?? 0) + 1, `${k} arrived in order`);
    lastByChain.set(r.chain, r.number);
  }
  for (const r of local) assert.equal(count.get(`${r.chain}/${r.number}`), 1, `${r.chain} #${r.number} integrated once`);
  assert.equal(central.state.integratedLog.length, local.length);
}

async function timeToMode(reg: RunningRegister, mode: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  await eventually(() => reg.status().mode === mode, timeoutMs, 10);
  return performance.now() - t0;
}

describe('link cut and restore', () => {
  const central = new StubCentral();
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister;
  let token: string;

  before(async () => {
    await central.start();
    dir = await tmp();
    reg = await startTestRegister(dir.path, central.url, { enrolCode: 'ENROL-0001' });
    token = await loginAs(reg);
  });
  after(async () => {
    await reg?.close();
    await central.stop();
    await dir?.cleanup();
  });

  test('central stopped → autonomous quickly; sales go on; restored → reintegrating → connected, exactly once', async () => {
    const first = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(first.body.soldOffline, false);
    await eventually(() => reg.status().pendingRecords === 0);

    await central.stop();
    const detect = await timeToMode(reg, 'autonomous', 3000);
    assert.ok(detect < 2000, `autonomous after ${detect} ms`);
    assert.ok(localEvents(reg).includes('offline_start'));
    assert.ok(reg.status().autonomousSince);
    const copy = await api(reg.url, 'POST', '/api/sos-copy', { token });
    assert.equal(copy.status, 503);
    assert.equal(copy.body.error.code, 'UNAVAILABLE_OFFLINE');

    const durations: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
      durations.push(performance.now() - t);
      assert.equal(r.status, 201);
      assert.equal(r.body.soldOffline, true);
    }
    assert.ok(Math.max(...durations) < 250, `offline sales are fast (${durations.map((d) => d.toFixed(1)).join(" ")} ms)`);
    assert.ok(reg.status().pendingRecords >= 21);

    const modes = new Set<string>();
    const watch = setInterval(() => modes.add(reg.status().mode), 2);
    await central.start();
    // Sales keep going during reintegration (they queue behind).
    for (let i = 0; i < 5; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    await eventually(() => reg.status().mode === 'connected' && reg.status().pendingRecords === 0, 5000);
    clearInterval(watch);
    const events = localEvents(reg);
    for (const e of ['offline_start', 'reintegration_start', 'reintegration_end', 'offline_end']) assert.ok(events.includes(e), e);
    assert.ok(events.indexOf('reintegration_start') < events.indexOf('offline_end'));
    assert.ok(modes.has('reintegrating') || events.includes('reintegration_end'));
    assert.equal(reg.status().autonomousSince, null);
    assertExactlyOnceInOrder(reg, central);
  });

  test('a black hole (accepted, never answered) is detected as surely', async () => {
    central.state.hang = true;
    const detect = await timeToMode(reg, 'autonomous', 3000);
    assert.ok(detect < 2000, `autonomous after ${detect} ms`);
    const t = performance.now();
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(r.status, 201);
    assert.ok(performance.now() - t < 100);
    central.state.hang = false;
    await eventually(() => reg.status().mode === 'connected' && reg.status().pendingRecords === 0, 5000);
    assertExactlyOnceInOrder(reg, central);
  });

  test('CHAIN_GAP (central lost records): the chain is requeued from the expected number', async () => {
    const key = 'reg-1/ticket';
    const held = central.state.chains.get(key)!;
    central.state.chains.set(key, held.slice(0, held.length - 5)); // "restored from an older backup"
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    await eventually(() => (central.state.chains.get(key)?.length ?? 0) === r.body.number, 3000);
    assert.deepEqual(central.state.chains.get(key)!.map((x) => x.number), Array.from({ length: r.body.number }, (_, i) => i + 1));
    await eventually(() => reg.status().pendingRecords === 0);
  });

  test('TAMPER_ALERT blocks that chain only', async () => {
    central.state.tamperChain = 'ticket';
    await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    await eventually(() => reg.status().blockedChains.some((b) => b.chain === 'ticket'), 3000);
    // The event chain keeps flowing (a login writes an event).
    const before = central.state.chains.get('reg-1/event')!.length;
    await loginAs(reg);
    await eventually(() => central.state.chains.get('reg-1/event')!.length > before, 3000);
    assert.equal(reg.status().pendingRecords, 1);
    central.state.tamperChain = null;
  });
});

describe('restart with a pending outbox', () => {
  test('records made offline before a stop are pushed after the restart', async () => {
    const central = new StubCentral(initialState());
    await central.start();
    const dir = await tmp();
    let reg = await startTestRegister(dir.path, central.url, { enrolCode: 'ENROL-0001' });
    const token = await loginAs(reg);
    await central.stop();
    await eventually(() => reg.status().mode === 'autonomous', 3000);
    for (let i = 0; i < 3; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    const pending = reg.status().pendingRecords;
    assert.ok(pending >= 4);
    await reg.close();

    await central.start();
    reg = await startTestRegister(dir.path, central.url); // no code: already enrolled
    try {
      assert.equal(reg.status().registerId, 'reg-1');
      await eventually(() => reg.status().pendingRecords === 0, 5000);
      assert.equal(central.state.chains.get('reg-1/ticket')!.length, 3);
      const events = central.state.chains.get('reg-1/event')!.map((e) => (e.payload as { event: string }).event);
      assert.ok(events.includes('register_stop'));
      assert.equal(events.filter((e) => e === 'register_start').length, 2);
    } finally {
      await reg.close();
      await central.stop();
      await dir.cleanup();
    }
  });
});

describe('default timings', () => {
  test('black hole detected within ~2 s with the default heartbeat (1000 ms / 800 ms)', async () => {
    const central = new StubCentral(initialState());
    await central.start();
    const dir = await tmp();
    const reg = await startTestRegister(dir.path, central.url, { enrolCode: 'ENROL-0001', heartbeatIntervalMs: undefined, requestTimeoutMs: undefined });
    try {
      assert.equal(reg.status().mode, 'connected');
      central.state.hang = true;
      const detect = await timeToMode(reg, 'autonomous', 4000);
      assert.ok(detect < 2900, `autonomous after ${detect} ms`);
    } finally {
      central.state.hang = false;
      await reg.close();
      await central.stop();
      await dir.cleanup();
    }
  });
});
