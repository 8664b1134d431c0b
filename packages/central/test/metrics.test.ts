import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promSample } from '@comptoir/testing';
import { startTestCentral, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

const TOKEN = 'metrics-token-for-tests-0123456789';

describe('central GET /metrics', () => {
  let c: TestCentral;
  let reg: FakeRegister;
  const scrape = async (token: string | null = TOKEN) => {
    const res = await c.app.inject({ method: 'GET', url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body };
  };
  const heartbeat = (mode: string, pendingRecords: number, lastSosCopyAt: string | null) =>
    c.call('POST', '/api/sync/heartbeat', reg.token, { mode, pendingRecords, lastSosCopyAt, lastSosCopyKind: lastSosCopyAt ? 'scheduled' : null, sosChecksum: null, changeVersion: 0, autonomousSince: null });

  before(async () => {
    c = await startTestCentral('sqlite', { metricsToken: TOKEN });
    await c.addProduct('BAGUETTE', 130, 100);
    reg = await c.enrolRegister('Caisse 1');
  });
  after(async () => c?.close());

  it('answers only the metrics token: 401 without it, with a wrong one, or with a user token', async () => {
    assert.equal((await scrape(null)).status, 401);
    assert.equal((await scrape('not-the-metrics-token-at-all')).status, 401);
    assert.equal((await scrape(c.adminToken)).status, 401);
    const ok = await scrape();
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/plain; version=0\.0\.4/);
    assert.ok(promSample(ok.text, 'comptoir_process_resident_memory_bytes')! > 0, 'process metrics, prefixed');
  });

  it('fleet gauges: registers by mode, heartbeat age, pending records, copy age', async () => {
    let m = await scrape();
    assert.equal(promSample(m.text, 'comptoir_registers', { mode: 'unknown' }), 1, 'never heard from');
    assert.equal(promSample(m.text, 'comptoir_register_heartbeat_age_seconds', { register: reg.id }), undefined);

    const copiedAt = new Date(c.now.value.getTime() - 3600_000).toISOString();
    assert.equal((await heartbeat('autonomous', 7, copiedAt)).status, 200);
    c.now.value = new Date(c.now.value.getTime() + 2000); // 2 s later: not silent yet (3 s)
    m = await scrape();
    assert.equal(promSample(m.text, 'comptoir_registers', { mode: 'autonomous' }), 1);
    assert.equal(promSample(m.text, 'comptoir_registers', { mode: 'unknown' }), 0);
    assert.equal(promSample(m.text, 'comptoir_register_heartbeat_age_seconds', { register: reg.id, store: c.storeId }), 2);
    assert.equal(promSample(m.text, 'comptoir_register_pending_records', { register: reg.id }), 7);
    assert.equal(promSample(m.text, 'comptoir_register_sos_copy_age_seconds', { register: reg.id }), 3602);

    assert.equal((await heartbeat('connected', 0, copiedAt)).status, 200);
    m = await scrape();
    assert.equal(promSample(m.text, 'comptoir_registers', { mode: 'connected' }), 1);
    assert.equal(promSample(m.text, 'comptoir_registers', { mode: 'autonomous' }), 0);
    assert.equal(promSample(m.text, 'comptoir_register_versions', { software_version: 'unreported', protocol_version: '1' }), 1, 'a heartbeat without versions is protocol 1');
  });

  it('ingest: records integrated, replayed, refused by reason; latency; tamper alerts by reason', async () => {
    const t1 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
    const t2 = reg.sale([{ sku: 'BAGUETTE', quantity: 2, unitPriceCents: 130 }]);
    assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: [t1, t2] })).status, 200);
    assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: [t2] })).status, 200, 'replay');
    const t3 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
    const t4 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
    assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: [t4] })).status, 409, 'gap');
    const forged = { ...t3, payload: { ...t3.payload, totalCents: 1 } };
    assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: [forged] })).status, 422, 'tamper');
    assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: 'nope' })).status, 400);

    const m = (await scrape()).text;
    assert.equal(promSample(m, 'comptoir_records_ingested_total'), 2);
    assert.equal(promSample(m, 'comptoir_records_replayed_total'), 1);
    assert.equal(promSample(m, 'comptoir_records_refused_total', { reason: 'CHAIN_GAP' }), 1);
    assert.equal(promSample(m, 'comptoir_records_refused_total', { reason: 'TAMPER_ALERT' }), 1);
    assert.equal(promSample(m, 'comptoir_records_refused_total', { reason: 'VALIDATION' }), 1);
    assert.equal(promSample(m, 'comptoir_ingest_duration_seconds_count', { outcome: 'accepted' }), 2);
    assert.equal(promSample(m, 'comptoir_ingest_duration_seconds_count', { outcome: 'refused' }), 3);
    assert.equal(promSample(m, 'comptoir_tamper_alerts', { reason: 'bad_signature' }), 1);
    assert.equal(promSample(m, 'comptoir_tamper_alerts', { reason: 'prev_mismatch' }), 0);
    // HTTP latency by route template: no ticket number, register id or query in any label.
    assert.ok(promSample(m, 'comptoir_http_request_duration_seconds_count', { method: 'POST', route: '/api/sync/push', status_code: '200' })! >= 2);
    for (const line of m.split('\n').filter((l) => l.startsWith('comptoir_http_'))) {
      assert.doesNotMatch(line, /route="[^"]*\?/, line);
    }
  });
});

describe('central GET /metrics without a metrics token', () => {
  let c: TestCentral;
  before(async () => (c = await startTestCentral('sqlite')));
  after(async () => c?.close());

  it('is disabled: 404 with a coded error, never the back office page', async () => {
    const res = await c.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${c.adminToken}` } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'NOT_FOUND');
    assert.match(res.json().error.message, /COMPTOIR_METRICS_TOKEN/);
  });
});

describe('central GET /metrics to an allowed address (--metrics-allow), inside the guard', () => {
  let c: TestCentral;
  const scrape = async (remoteAddress: string, headers: Record<string, string> = {}) => (await c.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers })).statusCode;
  before(async () => (c = await startTestCentral('sqlite', { metricsAllow: ['10.1.0.0/16', 'fd00:1::7'], trustProxy: ['192.0.2.1'] })));
  after(async () => c?.close());

  it('answers a scraper in the list without a token, refuses any other address (401)', async () => {
    assert.equal(await scrape('10.1.2.3'), 200);
    assert.equal(await scrape('::ffff:10.1.200.4'), 200, 'an IPv4-mapped address is read as IPv4');
    assert.equal(await scrape('fd00:1::7'), 200);
    assert.equal(await scrape('10.2.0.1'), 401);
    assert.equal(await scrape('fd00:1::8'), 401);
    assert.equal(await scrape('10.2.0.1', { authorization: `Bearer ${c.adminToken}` }), 401, 'a user session is not a scraper');
  });

  it('behind a trusted proxy, the scraper is the forwarded client; X-Forwarded-For from anyone else is ignored', async () => {
    assert.equal(await scrape('192.0.2.1', { 'x-forwarded-for': '10.1.9.9' }), 200);
    assert.equal(await scrape('192.0.2.1', { 'x-forwarded-for': '10.2.0.1' }), 401);
    assert.equal(await scrape('10.9.9.9', { 'x-forwarded-for': '10.1.9.9' }), 401, 'not from the proxy: the header is not believed');
  });

  it('is listed in the OpenAPI document, with how to be let in', async () => {
    const doc = (await c.call('GET', '/api/openapi.json', null)).json;
    assert.match(doc.paths['/metrics'].get.description, /--metrics-allow/);
  });
});
