// Opening the cash drawer without a sale (a "no sale", issue 9 item 7 and issue 10 item 5), on a real
// register (its own HTTP server and SQLite file) enrolled at the real central server, with a real
// TCP "printer" that decodes the ESC/POS it receives. It always needs a manager: refused without
// (403 APPROVAL_REQUIRED, no event, no pulse), granted with a manager's PIN or a manager signed in;
// the opening is a signed `drawer_opened_no_sale` event (JET code 1090) naming who asked and who
// approved, it reaches central's journal, and the drawer gets the `ESC p` pulse. A printer that is
// down, or none configured, still leaves the event signed, and the answer says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRecord } from '@comptoir/domain';
import { EVENT_CODES } from '@comptoir/protocol';
import { eventually, http } from '@comptoir/testing';
import { centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { FakePrinter, decodeEscPos } from './support/fake-printer';
import { api, cashierSession } from './helpers';

const centralOfFile = centralPerFile();

const eventCount = (env: EnrolledRegister) =>
  (env.reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'event' AND json_extract(payload, '$.event') = 'drawer_opened_no_sale'").get() as { n: number }).n;

describe('no sale: opening the drawer through the receipt printer', () => {
  const printer = new FakePrinter();
  let central: TestCentral;
  let env: EnrolledRegister;
  const open = (body: object, token = env.token) => api(env.reg.url, 'POST', '/api/cash/drawer/open', { token, body });

  before(async () => {
    await printer.start();
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse tiroir', { printer: printer.url });
  });
  after(async () => {
    await env?.close();
    await printer.stop();
  });

  test('a cashier alone is refused (403, nothing signed, no pulse): without approval, with a wrong PIN, with a cashier as approver', async () => {
    const none = await open({ reason: 'Monnaie' });
    assert.equal(none.status, 403, JSON.stringify(none.body));
    assert.equal(none.body.error.code, 'APPROVAL_REQUIRED');
    assert.deepEqual(none.body.error.details.reasons, ['no_sale']);
    const wrongPin = await open({ reason: 'Monnaie', approval: { login: central.manager.login, pin: central.manager.pin === '0000' ? '1111' : '0000' } });
    assert.equal(wrongPin.status, 403);
    assert.equal(wrongPin.body.error.details.reason, 'invalid_approval');
    // The wrong approval PIN is a failed login of that manager (it counts toward their lock-out, training.test.ts).
    const manager = await cashierSession(env.reg, central.manager);
    const failed = (await api(env.reg.url, 'GET', '/api/events?limit=20', { token: manager.token })).body.items.find((e: { event: string }) => e.event === 'login_failed');
    assert.deepEqual([failed?.code, failed?.details.login], [1012, central.manager.login]);
    const byCashier = await open({ reason: 'Monnaie', approval: central.cashier });
    assert.equal(byCashier.status, 403);
    assert.equal(byCashier.body.error.details.reason, 'not_a_manager');
    assert.equal((await open({ reason: 'x'.repeat(201), approval: central.manager })).status, 400, 'validated');
    const noReason = await open({ reason: '  ', approval: central.manager });
    assert.deepEqual([noReason.status, noReason.body.error.code], [400, 'VALIDATION'], 'the journal says why: a reason is required');
    assert.equal((await api(env.reg.url, 'POST', '/api/cash/drawer/open', { body: {} })).status, 401, 'a session first');
    assert.equal(eventCount(env), 0, 'no event signed by any refusal');
    assert.equal(printer.jobs.length, 0, 'and the drawer never got a pulse');
  });

  test("with a manager's PIN: the event is signed with its code and approver, the drawer gets ESC p, central gets the event", async () => {
    const granted = await open({ reason: 'Monnaie pour le voisin', approval: central.manager });
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    assert.deepEqual([granted.body.kick, granted.body.kickError], ['sent', null]);
    const { event } = granted.body;
    assert.deepEqual([event.event, event.code, EVENT_CODES.drawer_opened_no_sale], ['drawer_opened_no_sale', 1090, 1090]);
    assert.equal(event.details.by, env.cashierId);
    assert.equal(event.details.byLogin, central.cashier.login);
    assert.equal(event.details.approvedByLogin, central.manager.login);
    assert.equal(event.details.approvedByRole, 'manager');
    assert.equal(event.details.reason, 'Monnaie pour le voisin');

    // The pulse, alone: initialize (ESC @, Kanji off, font A), then ESC p 0 (pin 2), 50 × 2 ms on, 250 × 2 ms off. No paper.
    const job = await eventually('the printer got the pulse', async () => printer.jobs[0]);
    assert.deepEqual(decodeEscPos(job), { text: '', commands: ['ESC @', 'FS .', 'ESC M 0', 'ESC p 0 50 250'] });

    // The register's journal lists it (a manager reads it), and the signature covers code and approver.
    const manager = await cashierSession(env.reg, central.manager);
    const journal = await api(env.reg.url, 'GET', '/api/events?limit=20', { token: manager.token });
    assert.equal(journal.status, 200);
    const listed = journal.body.items.find((e: { number: number }) => e.number === event.number);
    assert.deepEqual({ code: listed.code, event: listed.event, details: listed.details }, { code: 1090, event: 'drawer_opened_no_sale', details: event.details });
    const row = env.reg.ctx.sqlite.prepare("SELECT * FROM records WHERE chain = 'event' AND number = ?").get(event.number) as Record<string, string>;
    const payload = JSON.parse(row.payload!);
    const signed = { registerId: env.registerId, chain: 'event', number: event.number, recordedAt: row.recorded_at!, payload, prevSignature: row.prev_signature!, keyId: row.key_id! };
    assert.ok(verifyRecord(env.reg.ctx.identity!.publicKeyPem, signed, row.signature!));
    const forged = { ...payload, details: { ...payload.details, approvedByLogin: 'quelquun' } };
    assert.ok(!verifyRecord(env.reg.ctx.identity!.publicKeyPem, { ...signed, payload: forged }, row.signature!), 'the approver is signed');

    // Pushed with the other records: central's journal has it, with its code.
    const atCentral = await eventually('the event integrated at central', async () => {
      const r = await http(central.url, 'GET', `/api/events?registerId=${env.registerId}&code=1090`, { token: central.adminToken });
      return r.body.items?.find((e: { number: number }) => e.number === event.number);
    });
    assert.deepEqual([atCentral.event, atCentral.details.approvedByLogin], ['drawer_opened_no_sale', central.manager.login]);
  });

  test('a manager signed in needs no approval; a printer that is down leaves the event signed and says why', async () => {
    const manager = await cashierSession(env.reg, central.manager);
    const before = printer.jobs.length;
    const own = await open({ reason: 'Rendu de monnaie' }, manager.token);
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal(own.body.event.details.approvedById, manager.cashierId);
    assert.equal(own.body.event.details.reason, 'Rendu de monnaie');
    await eventually('the second pulse', async () => printer.jobs.length === before + 1);

    await printer.stop();
    const count = eventCount(env);
    const down = await open({ reason: 'Erreur de rendu', approval: central.manager });
    assert.equal(down.status, 201, JSON.stringify(down.body));
    assert.equal(down.body.kick, 'failed');
    assert.match(down.body.kickError, /ECONNREFUSED/);
    assert.equal(eventCount(env), count + 1, 'the opening is signed all the same');
  });
});

describe('no sale without a printer, offline', () => {
  let env: EnrolledRegister;
  before(async () => {
    env = await startEnrolledRegister(await centralOfFile(), 'Caisse tiroir sans imprimante');
  });
  after(async () => env?.close());

  test('offline, approved: the opening is signed, the answer says no printer drives the drawer, central gets it once back', async () => {
    const central = await centralOfFile();
    await env.link.setMode({ kind: 'refuse' });
    const r = await api(env.reg.url, 'POST', '/api/cash/drawer/open', { token: env.token, body: { reason: 'Fond de caisse', approval: central.manager } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.kick, r.body.kickError, r.body.event.code, r.body.event.integratedAt], ['no_printer', null, 1090, null]);
    assert.equal(eventCount(env), 1);
    await env.link.setMode({ kind: 'up' });
    await eventually('integrated at central once the link is back', async () => {
      const res = await http(central.url, 'GET', `/api/events?registerId=${env.registerId}&code=1090`, { token: central.adminToken });
      return res.body.items?.some((e: { number: number }) => e.number === r.body.event.number);
    });
  });
});
