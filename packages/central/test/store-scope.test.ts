import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { archiveBody, archiveDigest, archiveFile, generateSigningKeyPair } from '@comptoir/domain';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { FakeRegister, ticketPayload } from './fixtures/records';
import { hashSecret } from '../src/modules/auth/password';

after(stopSharedPostgres);

// A manager of store A tries every store-bound route against store B (issue 9): lists never show
// B's objects, every read or write of one of B's objects is 403 or 404, and the admin reaches the
// same object (so the refusal is the scope, not a missing object). The table is checked against
// the app's documented routes (GET /api/openapi.json): a new route without a row fails this test.

/** Routes with no store: public, the registers' own sync API (a register token is bound to its store by the token), chain-wide catalog, admin-only users. */
const NOT_STORE_BOUND = new Set([
  'GET /api/health',
  'GET /metrics', // the Prometheus scraper: fleet-wide, not a user
  'POST /api/auth/login',
  'POST /api/auth/logout', // the caller's own session
  'POST /api/registers/enrol',
  'POST /api/registers', // admin only
  'POST /api/stores', // admin only
  'PATCH /api/stores/:id', // admin only
  'POST /api/users', // admin only
  'GET /api/partitions', // admin only: the chain's monthly partitions
  'POST /api/partitions/purge', // admin only
  'GET /api/users', // admin only
  'PATCH /api/users/:id', // admin only
  'GET /api/products', // the catalog is the chain's
  'POST /api/products', // admin only: the catalog is the chain's (managers read it)
  'GET /api/products/:sku',
  'PATCH /api/products/:sku',
  'PUT /api/products/:sku',
  'GET /api/catalog/categories',
  'GET /api/catalog/export.csv',
  'POST /api/catalog/import',
  'POST /api/sync/push',
  'POST /api/sync/heartbeat',
  'GET /api/sync/snapshot',
  'GET /api/sync/snapshot/stream',
  'GET /api/sync/changes',
  'GET /api/sync/events',
  'POST /api/sync/returns', // a register token: its own store by the token
  'DELETE /api/sync/returns/:reservationId',
  'GET /api/sync/tickets/:registerId/:number',
  'GET /api/sync/store-registers', // a register token: the registers of its own store
  'GET /api/sync/returned-units', // a register token: units of its own tickets
  'GET /api/sync/credit-notes/:reference', // a register token: avoirs of its own store only (404 otherwise)
  'POST /api/sync/credit-notes/spend',
  'DELETE /api/sync/credit-notes/spend/:reservationId',
  'GET /api/sync/gift-cards/:reference', // a register token: gift cards of its own store only (404 otherwise)
  'POST /api/sync/gift-cards/spend',
  'DELETE /api/sync/gift-cards/spend/:reservationId',
  'POST /api/sync/customers', // a register token: into its own store, never linked across stores (till-customers.test.ts)
  'PUT /api/registers/:id/advertised-url', // admin only
  'POST /api/registers/:id/revoke', // admin only
  'POST /api/registers/:id/enrol-code', // admin only
  'GET /api/demo/links', // demo only: link states by register id
  'PUT /api/sync/archives/:number/file', // a register token: the files of its own archives only
]);

type B = { storeId: string; registerId: string; customerId: string; ticket: number; flagged: number; archive: number; countId: string };
type Row = {
  route: string;
  url: (b: B) => string;
  body?: (b: B) => unknown;
  /** A list: the manager's answer must not name B (checked on the JSON text); the admin's must. */
  list?: true;
};

const period = 'from=2025-03-01&to=2025-03-31';
const ROWS: Row[] = [
  { route: 'GET /api/registers', url: () => '/api/registers', list: true },
  { route: 'GET /api/fleet', url: () => '/api/fleet', list: true },
  { route: 'GET /api/stores', url: () => '/api/stores', list: true },
  { route: 'GET /api/tickets', url: () => '/api/tickets?limit=1000', list: true },
  { route: 'GET /api/documents', url: () => '/api/documents?limit=1000', list: true },
  { route: 'GET /api/review', url: () => '/api/review?status=all&limit=1000', list: true },
  { route: 'GET /api/closures', url: () => '/api/closures', list: true },
  { route: 'GET /api/archives', url: () => '/api/archives', list: true },
  { route: 'GET /api/customers', url: () => '/api/customers?limit=1000', list: true },
  { route: 'GET /api/tamper-alerts', url: () => '/api/tamper-alerts', list: true },
  { route: 'GET /api/dashboard', url: () => '/api/dashboard?date=2025-03-14', list: true },
  { route: 'GET /api/events', url: () => '/api/events', list: true },
  { route: 'GET /api/events?registerId', url: (b) => `/api/events?registerId=${b.registerId}` },
  { route: 'PUT /api/registers/:id/sos-schedule', url: (b) => `/api/registers/${b.registerId}/sos-schedule`, body: () => ({ cron: ['0 0 6 * * *'] }) },
  { route: 'GET /api/registers/:id/keys', url: (b) => `/api/registers/${b.registerId}/keys` },
  { route: 'POST /api/registers/:id/copy-now', url: (b) => `/api/registers/${b.registerId}/copy-now` },
  { route: 'POST /api/stores/:id/prepare-outage', url: (b) => `/api/stores/${b.storeId}/prepare-outage` },
  { route: 'GET /api/tickets/:registerId/:number', url: (b) => `/api/tickets/${b.registerId}/${b.ticket}` },
  { route: 'GET /api/documents/:registerId/:number', url: (b) => `/api/documents/${b.registerId}/${b.ticket}` },
  { route: 'GET /api/documents/:registerId/:number/invoice.pdf', url: (b) => `/api/documents/${b.registerId}/${b.ticket}/invoice.pdf` },
  { route: 'POST /api/review/:registerId/:number/ack', url: (b) => `/api/review/${b.registerId}/${b.flagged}/ack`, body: () => ({ note: 'vu' }) },
  { route: 'GET /api/archives/:registerId/:number/file', url: (b) => `/api/archives/${b.registerId}/${b.archive}/file` },
  { route: 'GET /api/archives/:registerId/:number/register-file', url: (b) => `/api/archives/${b.registerId}/${b.archive}/register-file` },
  { route: 'GET /api/customers/:id', url: (b) => `/api/customers/${b.customerId}` },
  { route: 'PATCH /api/customers/:id', url: (b) => `/api/customers/${b.customerId}`, body: () => ({ name: 'Renommé' }) },
  { route: 'POST /api/customers', url: () => '/api/customers', body: (b) => ({ name: 'Intrus', storeId: b.storeId }) },
  { route: 'GET /api/stock', url: (b) => `/api/stock?storeId=${b.storeId}` },
  { route: 'GET /api/stock/:sku', url: (b) => `/api/stock/BAGUETTE?storeId=${b.storeId}` },
  { route: 'GET /api/stock/:sku/movements', url: (b) => `/api/stock/BAGUETTE/movements?storeId=${b.storeId}` },
  { route: 'POST /api/stock/receptions', url: () => '/api/stock/receptions', body: (b) => ({ storeId: b.storeId, lines: [{ sku: 'BAGUETTE', quantity: 5 }] }) },
  { route: 'POST /api/stock/adjustments', url: () => '/api/stock/adjustments', body: (b) => ({ storeId: b.storeId, sku: 'BAGUETTE', delta: -1, reason: 'casse' }) },
  // Store B's open count (before): read, saved and posted by the admin in this order, then a new one started.
  { route: 'GET /api/stock-counts', url: (b) => `/api/stock-counts?storeId=${b.storeId}` },
  { route: 'GET /api/stock-counts/:id', url: (b) => `/api/stock-counts/${b.countId}` },
  { route: 'PUT /api/stock-counts/:id/lines', url: (b) => `/api/stock-counts/${b.countId}/lines`, body: () => ({ lines: [{ sku: 'BAGUETTE', counted: 3 }] }) },
  { route: 'POST /api/stock-counts/:id/post', url: (b) => `/api/stock-counts/${b.countId}/post` },
  { route: 'POST /api/stock-counts', url: () => '/api/stock-counts', body: (b) => ({ storeId: b.storeId, category: 'Boulangerie' }) },
  { route: 'GET /api/dashboard?storeId', url: (b) => `/api/dashboard?storeId=${b.storeId}` },
  { route: 'GET /api/documents?storeId', url: (b) => `/api/documents?storeId=${b.storeId}` },
  { route: 'GET /api/customers?storeId', url: (b) => `/api/customers?storeId=${b.storeId}` },
  { route: 'GET /api/accounting/accounts', url: (b) => `/api/accounting/accounts?storeId=${b.storeId}` },
  { route: 'PUT /api/accounting/accounts', url: () => '/api/accounting/accounts', body: (b) => ({ storeId: b.storeId, items: [{ key: 'sales:2000', num: '707100', label: 'Ventes B' }] }) },
  { route: 'GET /api/accounting/journal', url: (b) => `/api/accounting/journal?storeId=${b.storeId}&${period}` },
  { route: 'GET /api/accounting/journal.csv', url: (b) => `/api/accounting/journal.csv?storeId=${b.storeId}&${period}` },
  { route: 'GET /api/accounting/fec', url: (b) => `/api/accounting/fec?storeId=${b.storeId}&${period}` },
];

for (const dialect of DIALECTS) {
  describe(`a manager sees and touches only their store [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let b: B;
    let noStoreToken: string;

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 100);
      // Store B, created through the API (issue 9 item 1), with a register, a customer, tickets, an archive.
      const created = await c.call('POST', '/api/stores', c.adminToken, { name: 'Boulangerie B', address: '2 rue de Lyon', siret: '912 345 675 00025', vatNumber: 'fr65912345675', timezone: 'Europe/Paris' });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const storeId = created.json.id as string;
      const reg = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse B', storeId });
      const keys = generateSigningKeyPair();
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: reg.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.json));
      const fake = new FakeRegister(reg.json.id, storeId, enrolled.json.token, keys.privateKeyPem);
      const customer = await c.call('POST', '/api/customers', c.adminToken, { name: 'Client B', storeId });
      assert.equal(customer.status, 201, JSON.stringify(customer.json));
      const t1 = fake.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }], { customerId: customer.json.id });
      const t2 = fake.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 150 }]); // price_differs: flagged for review
      const archive = fake.next('archive', {
        type: 'archive',
        periodKey: '2025-03',
        ranges: [{ chain: 'ticket', from: 1, to: 2, prevSignature: '' }],
        recordCount: 2,
        sha256: archiveDigest(archiveBody([t1, t2])),
      });
      const z = fake.next('closure', { ...(await closurePayload()) });
      // t1's signed invoice: the back office prints its PDF from that record (architecture §20).
      const invoice = fake.invoiceOf(t1, { id: customer.json.id, name: 'Client B', email: 'b@example.fr', phone: null }, { name: 'Boulangerie B', address: '2 rue de Lyon', siret: '91234567500025', vatNumber: 'FR65912345675' });
      const pushed = await c.call('POST', '/api/sync/push', fake.token, { records: [t1, t2, archive, z, fake.event('login'), invoice] });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
      // The archive's file, as B's register sends it once the record is integrated.
      const kept = await c.app.inject({
        method: 'PUT',
        url: `/api/sync/archives/${archive.number}/file`,
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${fake.token}` },
        payload: archiveFile({ registerId: fake.id, publicKeyPem: keys.publicKeyPem, archive }, archiveBody([t1, t2])),
      });
      assert.equal(kept.statusCode, 201, kept.body);
      // A tamper alert of B's register.
      const forged = fake.sign({ ...fake.next('event', { type: 'event', event: 'login', details: {} }), payload: { type: 'event', event: 'logout', details: {} } } as never);
      await c.call('POST', '/api/sync/push', fake.token, { records: [{ ...forged, signature: forged.signature.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) }] });
      const count = await c.call('POST', '/api/stock-counts', c.adminToken, { storeId, category: 'Boulangerie' });
      assert.equal(count.status, 201, JSON.stringify(count.json));
      b = { storeId, registerId: fake.id, customerId: customer.json.id, ticket: t1.number, flagged: t2.number, archive: archive.number, countId: count.json.id };
      // A manager whose account belongs to no store.
      await c.db.insertInto('users').values({ id: 'u-nostore', username: 'sansmagasin', display_name: 'Sans magasin', role: 'manager', password_hash: (await hashSecret('no-store-password'))!, pin_hash: null, store_id: null, active: 1, change_version: 1 }).execute();
      noStoreToken = (await c.call('POST', '/api/auth/login', null, { username: 'sansmagasin', password: 'no-store-password' })).json.token;
    });
    after(async () => c?.close());

    async function closurePayload() {
      return {
        type: 'closure' as const, period: 'day' as const, periodKey: '2025-03-14', firstTicket: 1, lastTicket: 2, ticketCount: 2, saleCount: 2, returnCount: 0,
        totalCents: 280, vat: [{ rate: 550, baseCents: 265, vatCents: 15, totalCents: 280 }], payments: [{ method: 'cash' as const, amountCents: 280, count: 2 }],
        grandTotalCents: 280, cashierId: 'u-cashier',
      };
    }

    it('every documented route is in the table or marked not store-bound', async () => {
      const doc = (await c.call('GET', '/api/openapi.json', null)).json;
      const routes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
      const inTable = new Set(ROWS.map((r) => r.route));
      const missing = routes.filter((r) => !inTable.has(r) && !NOT_STORE_BOUND.has(r));
      assert.deepEqual(missing, [], 'add a row to ROWS (or to NOT_STORE_BOUND, saying why) for each new route');
      const stale = ROWS.map((r) => r.route.split('?')[0]!).filter((r) => !routes.includes(r));
      assert.deepEqual(stale, [], 'rows of routes that no longer exist');
    });

    for (const row of ROWS) {
      it(`${row.route}: the manager of store A gets nothing of store B, the admin does`, async () => {
        const method = row.route.split(' ')[0]!;
        for (const token of [c.managerToken, noStoreToken]) {
          const r = await c.call(method, row.url(b), token, row.body?.(b));
          const text = JSON.stringify(r.json);
          if (row.list) {
            if (token === noStoreToken && r.status !== 200) assert.ok([403, 404].includes(r.status), text);
            else assert.equal(r.status, 200, text);
            for (const id of [b.storeId, b.registerId, b.customerId]) assert.ok(!text.includes(id), `${row.route} shows store B's ${id}: ${text.slice(0, 300)}`);
          } else {
            assert.ok([403, 404].includes(r.status), `${row.route}: ${r.status} ${text.slice(0, 300)}`);
          }
        }
        const admin = await c.app.inject({ method: method as 'GET', url: row.url(b), headers: { authorization: `Bearer ${c.adminToken}` }, ...(row.body ? { payload: row.body(b) as object } : {}) });
        assert.ok(admin.statusCode < 300, `admin ${row.route}: ${admin.statusCode} ${admin.body.slice(0, 300)}`);
        if (row.list) assert.ok(admin.body.includes(b.storeId) || admin.body.includes(b.registerId) || admin.body.includes(b.customerId), `admin ${row.route} lists store B`);
      });
    }

    it('what the manager was refused changed nothing of store B', async () => {
      const cust = await c.call('GET', `/api/customers/${b.customerId}`, c.adminToken);
      assert.equal(cust.json.name, 'Renommé', 'renamed by the admin only');
      const customers = await c.call('GET', `/api/customers?storeId=${b.storeId}&limit=100`, c.adminToken);
      assert.equal(customers.json.items.filter((x: any) => x.name === 'Intrus').length, 1, 'one "Intrus": the admin\'s, not the manager\'s');
      const moves = await c.call('GET', `/api/stock/BAGUETTE/movements?storeId=${b.storeId}`, c.adminToken);
      assert.equal(moves.json.items.filter((m: any) => m.reason === 'reception').length, 1);
      assert.equal(moves.json.items.filter((m: any) => m.reason === 'adjustment').length, 2, 'the admin\'s adjustment and the admin\'s count');
      const count = (await c.call('GET', `/api/stock-counts/${b.countId}`, c.adminToken)).json;
      assert.deepEqual([count.status, count.postedBy, count.lines[0].counted], ['posted', 'admin', 3], 'counted and posted by the admin only');
    });

    it('an invoice of the own store\'s ticket cannot name another store\'s customer (manager or admin)', async () => {
      const created = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse A', storeId: c.storeId });
      const keys = generateSigningKeyPair();
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      const mine = new FakeRegister(created.json.id, c.storeId, enrolled.json.token, keys.privateKeyPem);
      const sale = mine.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      assert.equal((await c.call('POST', '/api/sync/push', mine.token, { records: [sale] })).status, 200);
      const own = await c.call('POST', '/api/customers', c.managerToken, { name: 'Client A facturé' });
      const url = (customerId: string) => `/api/documents/${mine.id}/${sale.number}/invoice.pdf?customerId=${customerId}`;
      for (const token of [c.managerToken, c.adminToken]) {
        const res = await c.app.inject({ method: 'GET', url: url(b.customerId), headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.statusCode, 404, res.body.slice(0, 200));
        assert.equal(res.json().error.code, 'NOT_FOUND');
        assert.ok(!res.body.includes('Client B'), 'nothing of store B\'s customer in the answer');
      }
      // The register issues the invoice to its own store's customer; the PDF is printed from that signed record.
      const invoice = mine.invoiceOf(sale, { id: own.json.id, name: 'Client A facturé', email: null, phone: null }, { name: 'Boulangerie A', address: '1 rue du Four', siret: '12345678900011', vatNumber: 'FR00123456789' });
      assert.equal((await c.call('POST', '/api/sync/push', mine.token, { records: [invoice] })).status, 200);
      const ok = await c.app.inject({ method: 'GET', url: url(own.json.id), headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 200));
      assert.equal(ok.headers['content-type'], 'application/pdf');
    });

    it('the manager still sees and changes their own store', async () => {
      const stores = await c.call('GET', '/api/stores', c.managerToken);
      assert.deepEqual(stores.json.items.map((s: any) => s.id), [c.storeId]);
      const mine = await c.call('POST', '/api/customers', c.managerToken, { name: 'Client A' });
      assert.equal(mine.status, 201);
      assert.equal(mine.json.storeId, c.storeId, 'no storeId: the manager\'s own store');
      assert.equal((await c.call('GET', '/api/accounting/accounts', c.managerToken)).json.storeId, c.storeId);
      assert.equal((await c.call('GET', `/api/stock?storeId=${c.storeId}`, c.managerToken)).status, 200);
    });

    it('stores: admin creates and edits them (validated); a manager may not', async () => {
      const good = { name: 'C', address: '3 rue', siret: '91234567500033', vatNumber: 'FR65912345675', timezone: 'America/Martinique' };
      assert.equal((await c.call('POST', '/api/stores', c.managerToken, good)).status, 403);
      for (const bad of [{ ...good, timezone: 'Europe/Atlantis' }, { ...good, timezone: '+01:00' }, { ...good, siret: '1234' }, { ...good, siret: '9123456750003A' }, { ...good, name: '' }]) {
        const r = await c.call('POST', '/api/stores', c.adminToken, bad);
        assert.equal(r.status, 400, JSON.stringify(bad));
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      const before = (await c.call('GET', '/api/stores', c.adminToken)).json.total;
      assert.equal(before, 2, 'refused stores stored nothing');
      const p = await c.call('PATCH', `/api/stores/${b.storeId}`, c.adminToken, { timezone: 'Europe/Brussels', businessDayCutoff: '05:00' });
      assert.equal(p.status, 200, JSON.stringify(p.json));
      assert.equal(p.json.timezone, 'Europe/Brussels');
      assert.equal(p.json.businessDayCutoff, '05:00');
      assert.equal(p.json.siret, '91234567500025');
      assert.equal((await c.call('PATCH', `/api/stores/${b.storeId}`, c.managerToken, { name: 'X' })).status, 403);
      assert.equal((await c.call('PATCH', '/api/stores/nope', c.adminToken, { name: 'X' })).status, 404);
      assert.equal((await c.call('PATCH', `/api/stores/${b.storeId}`, c.adminToken, { timezone: 'Mars/Olympus' })).status, 400);
    });
  });
}
