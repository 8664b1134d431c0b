// The coded technical event journal (JET, issue 10), against the real central server: every event
// signs its integer code (protocol's table); the software start names its version; a wrong PIN is a
// `login_failed` event; `GET /api/events` lists the journal for a manager only; the chain self-check
// at start signs a `chain_check_failure` for a tampered chain and blocks nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_CODES } from '@comptoir/protocol';
import { verifyRecord } from '@comptoir/domain';
import { eventually, http } from '@comptoir/testing';
import type { RunningRegister } from '../src/index';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { api, cashierSession, startTestRegister, tmp } from './helpers';

const centralOfFile = centralPerFile();

describe('event journal', () => {
  let central: TestCentral;
  let dir: { path: string; cleanup(): Promise<void> };
  let reg: RunningRegister | undefined;

  before(async () => {
    central = await centralOfFile();
    dir = await tmp();
  });
  after(async () => {
    await reg?.close();
    await dir?.cleanup();
  });

  test('coded events, listed for a manager; the self-check at start signs a broken chain and blocks nothing', async () => {
    const created = await central.createRegister('Caisse journal');
    reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode });
    // Enrolment then key start happen before the first start event; restart once to get one.
    await reg.close();
    reg = await startTestRegister(dir.path, central.url);
    const cashier = (await cashierSession(reg, central.cashier)).token;
    const wrong = await api(reg.url, 'POST', '/api/auth/login', { body: { login: central.cashier.login, pin: '0000' } });
    assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    const manager = (await cashierSession(reg, central.manager)).token;

    const refused = await api(reg.url, 'GET', '/api/events', { token: cashier });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal((await api(reg.url, 'GET', '/api/events')).status, 401);
    assert.equal((await api(reg.url, 'GET', '/api/events?limit=0', { token: manager })).status, 400);

    const res = await api(reg.url, 'GET', '/api/events?limit=50', { token: manager });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const items = res.body.items as { registerId: string; number: number; code: number; event: string; details: Record<string, unknown>; recordedAt: string; integratedAt: string | null }[];
    const events = items.map((e) => e.event).reverse();
    assert.deepEqual(events.slice(0, 2), ['enrolment', 'key_start']);
    for (const e of items) assert.equal(e.code, EVENT_CODES[e.event as keyof typeof EVENT_CODES], e.event);
    assert.deepEqual([EVENT_CODES.enrolment, EVENT_CODES.register_stop], [260, 40]);
    const start = items.find((e) => e.event === 'register_start')!;
    assert.equal(start.code, 1000);
    assert.match(String(start.details.softwareVersion), /^\d+\.\d+\.\d+/);
    const failed = items.find((e) => e.event === 'login_failed')!;
    assert.equal(failed.details.login, central.cashier.login);
    assert.ok(!JSON.stringify(failed.details).includes('0000'), 'the PIN tried is never logged');
    assert.ok(items.some((e) => e.event === 'register_stop'));
    assert.deepEqual(items.map((e) => e.number), [...items.map((e) => e.number)].sort((a, b) => b - a), 'newest first');
    assert.equal((await api(reg.url, 'GET', '/api/events?limit=2', { token: manager })).body.items.length, 2);

    // The code is inside what is signed (payload version 2).
    const row = reg.ctx.sqlite.prepare("SELECT * FROM records WHERE chain = 'event' AND number = ?").get(start.number) as { recorded_at: string; payload: string; prev_signature: string; signature: string; key_id: string };
    const payload = JSON.parse(row.payload);
    assert.deepEqual([payload.version, payload.code], [2, 1000]);
    const signed = { registerId: created.id, chain: 'event', number: start.number, recordedAt: row.recorded_at, payload, prevSignature: row.prev_signature, keyId: row.key_id };
    assert.ok(verifyRecord(reg.ctx.identity!.publicKeyPem, signed, row.signature));
    assert.ok(!verifyRecord(reg.ctx.identity!.publicKeyPem, { ...signed, payload: { ...payload, code: 1001 } }, row.signature));

    const sale = await api(reg.url, 'POST', '/api/sales', { token: cashier, body: { lines: [{ sku: DEMO_SKUS.wine, quantity: 1 }], payments: [{ method: 'cash', amountCents: 200_00 }] } });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));

    // Someone alters a ticket in the file; at the next start the self-check signs the failure, and the till still sells.
    await reg.close();
    const db = new Database(join(dir.path, 'register.sqlite'));
    db.exec('DROP TRIGGER records_no_update');
    db.prepare("UPDATE records SET payload = replace(payload, '\"totalCents\":', '\"totalCents\":1') WHERE chain = 'ticket' AND number = 1").run();
    db.close();
    reg = await startTestRegister(dir.path, central.url);
    const again = (await cashierSession(reg, central.manager)).token;
    const after = (await api(reg.url, 'GET', '/api/events?limit=10', { token: again })).body.items as typeof items;
    const failure = after.find((e) => e.event === 'chain_check_failure');
    assert.ok(failure, JSON.stringify(after));
    assert.deepEqual([failure.code, failure.details.chain], [1050, 'ticket']);
    assert.match(String(failure.details.problem), /record 1/);
    // The check resumes from the heads it verified: the event chain's is recorded, the broken ticket chain's is not.
    const checks = new Map((reg.ctx.sqlite.prepare('SELECT chain, number FROM chain_checks').all() as { chain: string; number: number }[]).map((r) => [r.chain, r.number]));
    assert.equal(checks.has('ticket'), false, 'a broken chain keeps no verified head');
    assert.ok((checks.get('event') ?? 0) >= 3, JSON.stringify([...checks]));
    const stillSells = await api(reg.url, 'POST', '/api/sales', { token: again, body: { lines: [{ sku: DEMO_SKUS.wine, quantity: 1 }], payments: [{ method: 'cash', amountCents: 200_00 }] } });
    assert.equal(stillSells.status, 201, JSON.stringify(stillSells.body));

    // At central (GET /api/events?registerId&limit): the same journal once pushed, for an admin and
    // the store's manager; a manager of another store is refused, and sees none of it without registerId.
    const admin = central.adminToken;
    const atCentral = await eventually('the events pushed to central', async () => {
      const r = await http<{ items: typeof items }>(central.url, 'GET', `/api/events?registerId=${created.id}&limit=100`, { token: admin });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.items.some((e) => e.event === 'chain_check_failure'), 'pushed');
      return r.body.items;
    });
    for (const e of atCentral) {
      assert.equal(e.registerId, created.id);
      assert.equal(e.code, EVENT_CODES[e.event as keyof typeof EVENT_CODES], e.event);
      assert.ok(e.integratedAt);
    }
    assert.equal(atCentral.find((e) => e.event === 'register_start')!.code, 1000);
    const storeManager = await http<{ token: string }>(central.url, 'POST', '/api/auth/login', { body: central.credentials.manager });
    assert.equal(storeManager.status, 200, JSON.stringify(storeManager.body));
    const mine = await http<{ items: typeof items }>(central.url, 'GET', `/api/events?registerId=${created.id}&limit=5`, { token: storeManager.body.token });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.equal(mine.body.items.length, 5);
    const centralDb = new Database(central.file);
    centralDb.prepare("INSERT INTO stores (id, name, address, siret, vat_number, timezone, change_version) VALUES ('other-store', 'Autre', '1 rue', '00000000000000', 'FR00000000000', 'Europe/Paris', 0)").run();
    centralDb.close();
    const other = await http(central.url, 'POST', '/api/users', { token: admin, body: { username: 'gerant.autre', displayName: 'Gérant autre', role: 'manager', password: 'autre-secret-1', storeId: 'other-store' } });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const otherToken = (await http<{ token: string }>(central.url, 'POST', '/api/auth/login', { body: { username: 'gerant.autre', password: 'autre-secret-1' } })).body.token;
    const forbidden = await http(central.url, 'GET', `/api/events?registerId=${created.id}`, { token: otherToken });
    assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
    const none = await http<{ items: typeof items }>(central.url, 'GET', '/api/events?limit=1000', { token: otherToken });
    assert.equal(none.status, 200);
    assert.ok(!none.body.items.some((e) => e.registerId === created.id), "another store's events stay hidden");
    const all = await http<{ items: typeof items }>(central.url, 'GET', '/api/events?limit=1000', { token: admin });
    assert.ok(all.body.items.some((e) => e.registerId === created.id));
    assert.equal((await http(central.url, 'GET', '/api/events?registerId=nope', { token: admin })).status, 404);
    assert.equal((await http(central.url, 'GET', '/api/events?limit=5000', { token: admin })).status, 400);
    assert.equal((await http(central.url, 'GET', '/api/events')).status, 401);
  });
});
