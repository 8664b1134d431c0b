import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangesResponse, COPY_WITH, Snapshot } from '@comptoir/protocol';
import { snapshotChecksum } from '@comptoir/protocol/node';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

// Open-price items (issue 12 item 4) on central: the catalog field through the API, the CSV and the
// three copy paths a register reads (full JSON copy, streamed copy, changes), and the price check of
// pushed tickets.

const csvImport = (c: TestCentral, csv: string) =>
  c.app.inject({ method: 'POST', url: '/api/catalog/import', headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'text/csv' }, payload: csv });

for (const dialect of DIALECTS) {
  describe(`open-price items [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 10);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('a product is created and edited as open price with its cap; a cap without the flag, or the flag without a cap, is 400 and stores nothing', async () => {
      const created = await c.call('POST', '/api/products', c.adminToken, { sku: 'DIVERS', label: 'Divers', priceCents: 0, vatRate: 2000, category: 'Divers', openPrice: true, openPriceMaxCents: 5000 });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.deepEqual([created.json.openPrice, created.json.openPriceMaxCents], [true, 5000]);
      const plain = (await c.call('GET', '/api/products/BAGUETTE', c.managerToken)).json;
      assert.deepEqual([plain.openPrice, plain.openPriceMaxCents], [false, null], 'an existing product is sold at its catalog price');

      const noCap = await c.call('POST', '/api/products', c.adminToken, { sku: 'NOCAP', label: 'x', priceCents: 0, vatRate: 2000, openPrice: true });
      assert.equal(noCap.status, 400);
      assert.equal(noCap.json.error.code, 'VALIDATION');
      assert.deepEqual(noCap.json.error.details.issues.map((i: any) => i.path), ['openPriceMaxCents']);
      const capOnly = await c.call('POST', '/api/products', c.adminToken, { sku: 'CAPONLY', label: 'x', priceCents: 100, vatRate: 2000, openPriceMaxCents: 100 });
      assert.equal(capOnly.status, 400);
      const zeroCap = await c.call('POST', '/api/products', c.adminToken, { sku: 'ZERO', label: 'x', priceCents: 0, vatRate: 2000, openPrice: true, openPriceMaxCents: 0 });
      assert.equal(zeroCap.status, 400);
      for (const sku of ['NOCAP', 'CAPONLY', 'ZERO']) assert.equal((await c.call('GET', `/api/products/${sku}`, c.managerToken)).status, 404, sku);

      const put = await c.call('PUT', '/api/products/DIVERS', c.adminToken, { label: 'Divers', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: ['2000000000015'], openPrice: true, openPriceMaxCents: 8000 });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      assert.equal(put.json.openPriceMaxCents, 8000);
      const badPut = await c.call('PUT', '/api/products/DIVERS', c.adminToken, { label: 'Divers', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: [], openPrice: false, openPriceMaxCents: 8000 });
      assert.equal(badPut.status, 400);
      assert.equal((await c.call('GET', '/api/products/DIVERS', c.managerToken)).json.openPriceMaxCents, 8000, 'nothing stored');
      const listed = (await c.call('GET', '/api/products?q=divers', c.managerToken)).json.items;
      assert.deepEqual(listed.map((p: any) => [p.sku, p.openPrice, p.openPriceMaxCents]), [['DIVERS', true, 8000]]);
    });

    it('copies: a register that asks gets the cap on the full copy, the stream and the changes; an older one never sees the item as sellable', async () => {
      const v0 = (await c.call('GET', `/api/sync/snapshot?with=${COPY_WITH}`, reg.token)).json.manifest.changeVersion as number;
      const asked = Snapshot.parse((await c.call('GET', `/api/sync/snapshot?with=${COPY_WITH}`, reg.token)).json);
      const { manifest, ...body } = asked;
      assert.equal(manifest.checksum, snapshotChecksum(body));
      assert.deepEqual(asked.products.map((p) => [p.sku, p.openPriceMaxCents]), [['BAGUETTE', undefined], ['DIVERS', 8000]]);

      const stream = await c.app.inject({ method: 'GET', url: `/api/sync/snapshot/stream?with=${COPY_WITH}`, headers: { authorization: `Bearer ${reg.token}` } });
      assert.equal(stream.statusCode, 200);
      const lines = stream.body.trim().split('\n').map((l) => JSON.parse(l));
      const divers = lines.find((l) => l.t === 'product' && l.r.sku === 'DIVERS');
      assert.equal(divers?.r.openPriceMaxCents, 8000);
      assert.equal(lines.at(-1).r.checksum, manifest.checksum, 'the streamed copy hashes as the JSON one');

      // An older register (no `open-price` in `?with=`): left out of the full copy, its lines hash as before.
      const older = Snapshot.parse((await c.call('GET', '/api/sync/snapshot?with=references,till', reg.token)).json);
      assert.deepEqual(older.products.map((p) => p.sku), ['BAGUETTE']);
      assert.equal(older.manifest.counts.products, 1);
      assert.equal(older.manifest.checksum, snapshotChecksum(older));

      const put = await c.call('PUT', '/api/products/DIVERS', c.adminToken, { label: 'Divers', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: [], openPrice: true, openPriceMaxCents: 9000 });
      assert.equal(put.status, 200);
      const changes = ChangesResponse.parse((await c.call('GET', `/api/sync/changes?since=${v0}&with=${COPY_WITH}`, reg.token)).json);
      assert.deepEqual(changes.products.map((p) => [p.sku, p.active, p.openPriceMaxCents]), [['DIVERS', true, 9000]]);
      const olderChanges = ChangesResponse.parse((await c.call('GET', `/api/sync/changes?since=${v0}&with=references,till`, reg.token)).json);
      assert.deepEqual(olderChanges.products.map((p) => [p.sku, p.active, p.openPriceMaxCents]), [['DIVERS', false, undefined]], 'deactivated for a till that cannot ask the price');

      // Back to a catalog price: the cap disappears from the copy.
      await c.call('PUT', '/api/products/DIVERS', c.adminToken, { label: 'Divers', priceCents: 500, vatRate: 2000, category: 'Divers', barcodes: [], openPrice: false, openPriceMaxCents: null });
      const after = Snapshot.parse((await c.call('GET', `/api/sync/snapshot?with=${COPY_WITH}`, reg.token)).json);
      assert.deepEqual(after.products.map((p) => [p.sku, p.priceCents, p.openPriceMaxCents]), [['BAGUETTE', 130, undefined], ['DIVERS', 500, undefined]]);
      assert.equal((await c.call('GET', '/api/sync/snapshot?with=references,everything', reg.token)).status, 400);
      await c.call('PUT', '/api/products/DIVERS', c.adminToken, { label: 'Divers', priceCents: 0, vatRate: 2000, category: 'Divers', barcodes: [], openPrice: true, openPriceMaxCents: 5000 });
    });

    it('CSV: the cap is imported in euros or cents, exported in cents, round-trips; a file without the column keeps caps; a bad cap is reported', async () => {
      const r = await csvImport(c, ['sku;label;price;vat;category;openPriceMax', 'LIBRE1;Fleurs au poids;0;20;Fleurs;49,99', 'LIBRE2;Retouche;;20;Atelier;', 'LIBRE3;Cadeau;0;20;;zéro'].join('\n'));
      assert.equal(r.statusCode, 200, r.body);
      const res = JSON.parse(r.body);
      assert.deepEqual(res.rejected.map((x: any) => [x.line, x.reasons.join()]), [[3, res.rejected[0].reasons.join()], [4, 'openPriceMax: empty, or the open-price cap in euros, e.g. 50 or 49,99']]);
      assert.match(res.rejected[0].reasons.join(), /priceCents/, 'an empty price is still refused');
      assert.equal(res.created, 1);
      const libre = (await c.call('GET', '/api/products/LIBRE1', c.managerToken)).json;
      assert.deepEqual([libre.openPrice, libre.openPriceMaxCents], [true, 4999]);

      const cents = await csvImport(c, ['sku;label;priceCents;vatRate;openPriceMaxCents', 'LIBRE4;Emballage;0;2000;1500', 'LIBRE5;Zéro;0;2000;0'].join('\n'));
      const centsRes = JSON.parse(cents.body);
      assert.equal(centsRes.created, 1);
      assert.deepEqual(centsRes.rejected.map((x: any) => x.line), [3], 'a cap of 0 is no cap');
      assert.equal((await c.call('GET', '/api/products/LIBRE4', c.managerToken)).json.openPriceMaxCents, 1500);

      const exp = await c.app.inject({ method: 'GET', url: '/api/catalog/export.csv', headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.match(exp.body, /^sku;label;priceCents;vatRate;category;barcodes;openPriceMaxCents;titre_restaurant\n/);
      assert.match(exp.body, /\nLIBRE1;Fleurs au poids;0;2000;Fleurs;;4999;oui\n/);
      assert.match(exp.body, /\nBAGUETTE;Produit BAGUETTE;130;550;Boulangerie;;;oui\n/, 'an empty cap for a product at its catalog price');
      const again = JSON.parse((await csvImport(c, exp.body)).body);
      assert.equal(again.rejected.length, 0, JSON.stringify(again.rejected));
      assert.equal((await c.call('GET', '/api/products/LIBRE1', c.managerToken)).json.openPriceMaxCents, 4999, 'round-trips');

      // An older file (no open-price column) updates labels and prices, never a cap.
      const old = JSON.parse((await csvImport(c, 'sku;label;price;vat\nLIBRE1;Fleurs;0;20\nBAGUETTE;Baguette;1,30;5,5\n')).body);
      assert.equal(old.updated, 2);
      const kept = (await c.call('GET', '/api/products/LIBRE1', c.managerToken)).json;
      assert.deepEqual([kept.label, kept.openPriceMaxCents], ['Fleurs', 4999]);
      assert.equal((await c.call('GET', '/api/products/BAGUETTE', c.managerToken)).json.openPriceMaxCents, null);
    });

    it('a pushed sale of an open-price item at a typed price within the cap is no anomaly; above it, the price differs', async () => {
      // Stock is counted for an open-price item like any product (here enough of it: no negative_stock).
      await c.db.insertInto('stock_levels').values({ store_id: c.storeId, sku: 'DIVERS', quantity: 10 }).execute();
      const push = await c.call('POST', '/api/sync/push', reg.token, {
        records: [reg.sale([{ sku: 'DIVERS', quantity: 2, unitPriceCents: 1234 }]), reg.sale([{ sku: 'DIVERS', quantity: 1, unitPriceCents: 5001 }])],
      });
      assert.equal(push.status, 200, JSON.stringify(push.json));
      const tickets = (await c.call('GET', `/api/tickets?registerId=${reg.id}`, c.managerToken)).json.items;
      assert.deepEqual(tickets.map((t: any) => t.anomalies), [[], ['price_differs:DIVERS:central=open-max-5000:ticket=5001']]);
      const detail = (await c.call('GET', `/api/tickets/${reg.id}/1`, c.managerToken)).json;
      assert.deepEqual(detail.lines.map((l: any) => [l.sku, l.unitPriceCents, l.totalCents]), [['DIVERS', 1234, 2468]], 'the price charged is the one signed');
    });
  });
}
