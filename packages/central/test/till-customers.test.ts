// Customers created at a till (issue 12 §4, docs/architecture.md §16) on central, both databases:
// `POST /api/sync/customers` takes a register's token only and a valid body (nothing stored
// otherwise); a new customer is created under the till's UUID with a change version (the store's
// registers pull it; the back office lists it); the same UUID pushed again answers the same and
// stores nothing more; two registers pushing the same person at once make one customer; the same normalised e-mail or phone as an existing customer of the store links
// to that customer (never across stores); a UUID of another store is refused, the whole push with it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateSigningKeyPair } from '@comptoir/domain';
import { emailKey, phoneKey } from '../src/modules/customers/till-customer.service';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

const store = { name: 'Épicerie B', address: '2 rue de Lyon', siret: '91234567500025', vatNumber: 'FR65912345675', timezone: 'Europe/Paris' };
const tillCustomer = (over: Record<string, unknown> = {}) => ({ id: randomUUID(), name: 'Inès Garnier', email: null, phone: null, createdAt: '2026-12-03T10:00:00.000Z', ...over });

describe('normalised keys', () => {
  it('e-mail: trimmed, lower case; phone: digits, +/00 prefix, +33 as 0, at least 6 digits', () => {
    assert.equal(emailKey('  Ines.Garnier@Example.FR '), 'ines.garnier@example.fr');
    assert.equal(emailKey('  '), null);
    assert.equal(phoneKey('06 12 34 56 78'), '0612345678');
    assert.equal(phoneKey('06.12.34.56.78'), '0612345678');
    assert.equal(phoneKey('+33 6 12 34 56 78'), '0612345678');
    assert.equal(phoneKey('0033 6 12 34 56 78'), '0612345678');
    assert.equal(phoneKey('+32 470 12 34 56'), '+32470123456');
    assert.equal(phoneKey('0032 470 12 34 56'), '+32470123456');
    assert.equal(phoneKey('12 34'), null);
    assert.equal(phoneKey(null), null);
  });
});

for (const dialect of DIALECTS) {
  describe(`customers pushed by a till [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    const push = (customers: unknown[], token: string | null = reg.token) => c.call('POST', '/api/sync/customers', token, { customers });
    const rows = async () => Number((await c.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const links = async () => Number((await c.db.selectFrom('till_customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('refuses callers other than a register (401/403) and bad bodies (400), storing nothing', async () => {
      const one = [tillCustomer()];
      assert.equal((await push(one, null)).status, 401);
      assert.equal((await push(one, c.adminToken)).status, 403, 'a back-office user is not a register');
      for (const body of [[], [tillCustomer({ id: 'not-a-uuid' })], [tillCustomer({ name: ' ' })], [tillCustomer({ email: 'nope' })], Array.from({ length: 101 }, () => tillCustomer())]) {
        const r = await push(body);
        assert.equal(r.status, 400, JSON.stringify(r.json).slice(0, 200));
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      assert.deepEqual([await rows(), await links()], [0, 0]);
    });

    it('a new customer under the till id, pulled by the store’s registers; the same id again answers the same', async () => {
      const since = (await c.call('GET', '/api/sync/changes?since=0', reg.token)).json.changeVersion as number;
      const ines = tillCustomer({ email: 'ines@example.fr', phone: '06 98 76 54 32' });
      const first = await push([ines]);
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.deepEqual(first.json.customers, [{ id: ines.id, customerId: ines.id, linked: false, customer: { id: ines.id, name: 'Inès Garnier', email: 'ines@example.fr', phone: '06 98 76 54 32', active: true } }]);
      const changes = await c.call('GET', `/api/sync/changes?since=${since}`, reg.token);
      assert.deepEqual(changes.json.customers.map((x: { id: string }) => x.id), [ines.id], 'in the changes the registers pull');
      const listed = await c.call('GET', '/api/customers?q=garnier', c.adminToken);
      assert.deepEqual(listed.json.items.map((x: { id: string; storeId: string }) => [x.id, x.storeId]), [[ines.id, c.storeId]], 'in the back office');

      const again = await push([ines]);
      assert.deepEqual(again.json, first.json, 'a replay answers the same');
      assert.deepEqual([await rows(), await links()], [1, 1], 'and stores nothing more');
    });

    it('two registers of the store pushing the same person at once: one customer, the other push linked to it', async () => {
      const reg2 = await c.enrolRegister('Caisse 2');
      const a = tillCustomer({ name: 'Léa Bonnet', email: 'lea.bonnet@example.fr' });
      const b = tillCustomer({ name: 'Léa B.', email: 'LEA.BONNET@example.fr' });
      const [ra, rb] = await Promise.all([push([a]), push([b], reg2.token)]);
      assert.deepEqual([ra.status, rb.status], [200, 200], JSON.stringify([ra.json, rb.json]));
      const answers = [ra.json.customers[0], rb.json.customers[0]];
      assert.equal(answers.filter((x: { linked: boolean }) => !x.linked).length, 1, 'one created');
      assert.equal(new Set(answers.map((x: { customerId: string }) => x.customerId)).size, 1, 'both name the same customer');
      assert.equal((await c.call('GET', '/api/customers?q=lea.bonnet', c.adminToken)).json.total, 1);
    });

    it('the same normalised e-mail, else phone, as a customer of the store links to it; another store’s customers never match', async () => {
      const existing = await c.call('POST', '/api/customers', c.adminToken, { name: 'Camille Laurent', email: 'camille.laurent@example.fr', phone: '0601020304' });
      assert.equal(existing.status, 201, JSON.stringify(existing.json));
      const byEmail = tillCustomer({ name: 'Camille L.', email: ' Camille.Laurent@EXAMPLE.fr' });
      const byPhone = tillCustomer({ name: 'C. Laurent', phone: '+33 6 01 02 03 04' });
      const fresh = tillCustomer({ name: 'Nouveau', phone: '06 01 02 03 05' });
      const r = await push([byEmail, byPhone, fresh]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(
        r.json.customers.map((a: { id: string; customerId: string; linked: boolean; customer: { name: string } }) => [a.id, a.customerId, a.linked, a.customer.name]),
        [
          [byEmail.id, existing.json.id, true, 'Camille Laurent'],
          [byPhone.id, existing.json.id, true, 'Camille Laurent'],
          [fresh.id, fresh.id, false, 'Nouveau'],
        ],
      );
      assert.equal((await push([byEmail])).json.customers[0].customerId, existing.json.id, 'a linked id replayed: the same link');
      assert.equal((await c.call('GET', '/api/customers?q=laurent', c.adminToken)).json.total, 1, 'no second Camille');

      // Another store with its own register: the same e-mail there is a new customer of that store.
      const other = await c.call('POST', '/api/stores', c.adminToken, store);
      assert.equal(other.status, 201, JSON.stringify(other.json));
      const created = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse B', storeId: other.json.id });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const regB = await enrol(c, created.json.enrolCode);
      const inB = tillCustomer({ name: 'Camille Laurent', email: 'camille.laurent@example.fr' });
      const b = await push([inB], regB);
      assert.equal(b.status, 200, JSON.stringify(b.json));
      assert.deepEqual([b.json.customers[0].customerId, b.json.customers[0].linked], [inB.id, false]);

      // A UUID of store A pushed by store B's register: refused, the whole push with it.
      const before = [await rows(), await links()];
      const foreign = await push([tillCustomer({ name: 'Innocent' }), { ...byEmail }], regB);
      assert.deepEqual([foreign.status, foreign.json.error.code], [403, 'FOREIGN_RECORD']);
      const foreignCustomer = await push([tillCustomer({ id: existing.json.id })], regB);
      assert.deepEqual([foreignCustomer.status, foreignCustomer.json.error.code], [403, 'FOREIGN_RECORD'], "the id of store A's own customer");
      assert.deepEqual([await rows(), await links()], before, 'nothing stored');
    });
  });
}

/** Enrols a register with a one-time code (a throwaway key: these tests sign nothing). */
async function enrol(c: TestCentral, enrolCode: string): Promise<string> {
  const res = await c.call('POST', '/api/registers/enrol', null, { enrolCode, publicKeyPem: generateSigningKeyPair().publicKeyPem });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.token as string;
}
