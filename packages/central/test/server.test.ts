import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@comptoir/testing';
import { startCentralServer } from '../src/server';
import { isValidEan13 } from '../src/seed/demo-catalog';
import { DIALECTS, onDialect, stopSharedPostgres } from './fixtures/central';
import { startPostgres } from './fixtures/postgres';

after(stopSharedPostgres);

for (const dialect of DIALECTS) {
  describe(`startCentralServer with the demo seed [${dialect}]`, onDialect(dialect), () => {
    it('seeds once, writes credentials, keeps them on restart, serves HTTP', async () => {
      const dir = await tempDir('comptoir-central-server-');
      const pg = dialect === 'postgres' ? await startPostgres() : null;
      const databaseUrl = pg ? await pg.createDatabase(`central_server_test_${process.pid}`) : undefined;
      try {
        const opts = { dataDir: dir.path, port: 0, seed: 'demo' as const, logger: false as const, ...(databaseUrl ? { databaseUrl } : {}) };
        const first = await startCentralServer(opts);
        let creds: any;
        try {
          creds = JSON.parse(await readFile(join(dir.path, 'credentials.json'), 'utf8'));
          assert.equal(creds.admin.username, 'admin');
          assert.ok(creds.admin.password.length >= 12);
          assert.deepEqual(creds.cashier, { login: 'marie', pin: '1234' });
          const health = await (await fetch(`${first.url}/api/health`)).json();
          assert.deepEqual(health, { ok: true, database: dialect });
        } finally {
          await first.close();
        }
        const second = await startCentralServer(opts);
        try {
          const again = JSON.parse(await readFile(join(dir.path, 'credentials.json'), 'utf8'));
          assert.deepEqual(again, creds, 'credentials kept');
          const login = await fetch(`${second.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds.admin) });
          assert.equal(login.status, 200);
          const { token } = (await login.json()) as { token: string };
          const products = (await (await fetch(`${second.url}/api/products?limit=1000`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
          assert.ok(products.total >= 200, `${products.total} products`);
          assert.ok(products.items.every((p: any) => p.barcodes.length === 1 && isValidEan13(p.barcodes[0])));
          assert.deepEqual([...new Set(products.items.map((p: any) => p.vatRate))].sort((a: any, b: any) => a - b), [210, 550, 1000, 2000]);
          const stock = (await (await fetch(`${second.url}/api/stock/${products.items[0].sku}`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
          assert.equal(stock.storeId, creds.storeId);
          assert.ok(stock.quantity > 0);
          const customers = (await (await fetch(`${second.url}/api/customers`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
          assert.ok(customers.total >= 10);
        } finally {
          await second.close();
        }
      } finally {
        await pg?.stop();
        await dir.cleanup();
      }
    });
  });
}
