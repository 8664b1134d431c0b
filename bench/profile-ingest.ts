// Dev aid (not part of `npm run bench`): the reintegration workload against an in-process central
// server, so that `node --cpu-prof --import tsx bench/profile-ingest.ts` profiles the ingest.
import { join } from 'node:path';
import { startCentralServer } from '@comptoir/central';
import { http, tempDir } from '@comptoir/testing';
import { generateSigningKeyPair, offlineTickets } from './signed-tickets';

const dir = await tempDir('comptoir-prof-');
const central = await startCentralServer({ dataDir: join(dir.path, 'central'), port: 0, seed: 'demo', logger: false, databaseUrl: process.env.PROFILE_DATABASE_URL });
const creds = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(dir.path, 'central', 'credentials.json'), 'utf8')));
const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token;
const products = (await http(central.url, 'GET', '/api/products?limit=200', { token: admin })).body.items;
const regs = [];
for (let i = 0; i < 5; i++) {
  const c = (await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: `P${i}` } })).body;
  const keys = generateSigningKeyPair();
  const e = (await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: c.enrolCode, publicKeyPem: keys.publicKeyPem } })).body;
  regs.push({ id: c.id, token: e.token, records: offlineTickets({ registerId: c.id, storeId: creds.storeId, cashierId: 'x', privateKeyPem: keys.privateKeyPem, products, count: 2000 }) });
}
const bodies = regs.map((r) => Array.from({ length: 4 }, (_, k) => JSON.stringify({ records: r.records.slice(k * 500, k * 500 + 500) })));
const t0 = performance.now();
for (let k = 0; k < 4; k++) {
  for (let i = 0; i < 5; i++) {
    const res = await central.app.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer ${regs[i]!.token}`, 'content-type': 'application/json' }, payload: bodies[i]![k]! });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
}
const s = (performance.now() - t0) / 1000;
console.log(`${(10000 / s).toFixed(0)} tickets/s in-process, sequential batches`);
await central.close();
await dir.cleanup();
