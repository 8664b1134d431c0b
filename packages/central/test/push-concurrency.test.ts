import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateSigningKeyPair } from '@comptoir/domain';
import type { SignedRecord } from '@comptoir/protocol';
import { http, startCentralProcess, tempDir, type CentralProcess } from '@comptoir/testing';
import { DIALECTS, onDialect, sharedPostgres, stopSharedPostgres } from './fixtures/central';
import { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

// Overlapping pushes of one register against a real central process (real HTTP, real database):
// the chain-head lock (FOR UPDATE on PostgreSQL, the write transaction on SQLite) must make every
// record integrate exactly once, whatever order the pushes reach the database in.
for (const dialect of DIALECTS) {
  describe(`overlapping pushes of one register [${dialect}]`, onDialect(dialect), () => {
    let central: CentralProcess;
    let cleanup: () => Promise<void>;
    let admin: string;
    let sku: string;
    let stockBefore: number;

    before(async () => {
      const dir = await tempDir('comptoir-push-race-');
      const databaseUrl = dialect === 'postgres' ? await (await sharedPostgres()).createDatabase(`push_race_${process.pid}_${Date.now()}`) : undefined;
      central = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl, name: `central-race-${dialect}` });
      cleanup = async () => {
        await central.handle.stop();
        await dir.cleanup();
      };
      admin = (await http(central.url, 'POST', '/api/auth/login', { body: central.credentials().admin })).body.token;
      const products = await http(central.url, 'GET', '/api/products?limit=1', { token: admin });
      sku = products.body.items[0].sku;
      stockBefore = (await http(central.url, 'GET', `/api/stock/${encodeURIComponent(sku)}`, { token: admin })).body.quantity;
    });
    after(async () => cleanup?.());

    async function enrol(name: string): Promise<FakeRegister> {
      const created = await http(central.url, 'POST', '/api/registers', { token: admin, body: { name } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const keys = generateSigningKeyPair();
      const enrolled = await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: created.body.enrolCode, publicKeyPem: keys.publicKeyPem } });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
      return new FakeRegister(created.body.id, central.credentials().storeId, enrolled.body.token, keys.privateKeyPem);
    }
    const push = (reg: FakeRegister, records: SignedRecord[]) => http(central.url, 'POST', '/api/sync/push', { token: reg.token, body: { records }, timeoutMs: 60_000 });
    const ticketsOf = async (reg: FakeRegister): Promise<number[]> => {
      const numbers: number[] = [];
      for (let offset = 0; ; offset += 200) {
        const page = await http(central.url, 'GET', `/api/tickets?registerId=${reg.id}&limit=200&offset=${offset}`, { token: admin });
        assert.equal(page.status, 200, JSON.stringify(page.body));
        numbers.push(...page.body.items.map((t: { number: number }) => t.number));
        if (page.body.items.length < 200) return numbers.sort((a, b) => a - b);
      }
    };
    const stock = async () => (await http(central.url, 'GET', `/api/stock/${encodeURIComponent(sku)}`, { token: admin })).body.quantity as number;
    const sales = (reg: FakeRegister, n: number) => Array.from({ length: n }, () => reg.sale([{ sku, quantity: 1, unitPriceCents: 100 }]));
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    it('the same batch pushed four times at once: integrated once, replayed by the others', async () => {
      // A fresh register: its chain heads do not exist yet, so the pushes also race to create them.
      const reg = await enrol('Caisse course 1');
      const batch = sales(reg, 30);
      const results = await Promise.all([1, 2, 3, 4].map(() => push(reg, batch)));
      for (const r of results) {
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.integrated + r.body.replayed, 30, JSON.stringify(r.body));
        assert.ok(r.body.integrated === 0 || r.body.integrated === 30, `a batch integrates whole or not at all: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.heads.ticket, 30);
      }
      assert.equal(results.filter((r) => r.body.integrated === 30).length, 1, 'exactly one push integrated the batch');
      assert.deepEqual(await ticketsOf(reg), range(1, 30));
      stockBefore -= 30;
      assert.equal(await stock(), stockBefore, 'the stock moved once per ticket');
    });

    it('consecutive batches pushed at once: each integrates once, the later one never past a gap', async () => {
      const reg = await enrol('Caisse course 2');
      const first = sales(reg, 25);
      assert.equal((await push(reg, first)).status, 200);
      // Three consecutive batches, and a retry of the middle one, all in flight together.
      const [b1, b2, b3] = [sales(reg, 25), sales(reg, 25), sales(reg, 25)] as [SignedRecord[], SignedRecord[], SignedRecord[]];
      const batches = [b1, b2, b3, b2];
      for (let round = 0; ; round++) {
        const results = await Promise.all(batches.map((b) => push(reg, b)));
        for (const [i, r] of results.entries()) {
          if (r.status === 200) {
            assert.equal(r.body.integrated + r.body.replayed, 25, JSON.stringify(r.body));
            continue;
          }
          // A batch that reached the database before its predecessor: refused whole, naming the
          // record central expects next, which is the first record of a batch still in flight.
          assert.equal(r.status, 409, JSON.stringify(r.body));
          assert.equal(r.body.error.code, 'CHAIN_GAP');
          assert.equal(r.body.error.details.got, batches[i]![0]!.number);
          assert.ok([26, 51, 76].includes(r.body.error.details.expected), JSON.stringify(r.body));
        }
        const held = await ticketsOf(reg);
        assert.deepEqual(held, range(1, held.length), `gapless after round ${round}`);
        if (held.length === 100) break;
        assert.ok(round < 10, 'every batch integrated after a few retries');
      }
      assert.deepEqual(await ticketsOf(reg), range(1, 100));
      stockBefore -= 100;
      assert.equal(await stock(), stockBefore, 'the stock moved once per ticket');
    });
  });
}
