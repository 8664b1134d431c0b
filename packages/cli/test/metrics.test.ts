import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eventually, promSample, scrapeMetrics } from '@comptoir/testing';
import { openShop, sell, someProducts, waitForDrained, waitForMode, type Shop } from './support/shop';

/**
 * Real processes: central and a register started with COMPTOIR_METRICS_TOKEN, scraped over HTTP as
 * Prometheus does, while the register sells, loses its link and comes back.
 */
const TOKEN = 'scrape-token-0123456789abcdef';
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250, env: { COMPTOIR_METRICS_TOKEN: TOKEN } });
});
after(async () => shop?.cleanup());

test('central and register metrics follow sales, a cut and the reintegration', async () => {
  const reg = shop.registers[0]!;
  const [p] = await someProducts(shop, 1);
  for (const url of [shop.central.url, reg.process.url]) {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 401, `${url}/metrics without the token`);
  }

  for (let i = 0; i < 3; i++) assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
  await waitForDrained(reg);
  let r = await scrapeMetrics(reg.process.url, TOKEN);
  assert.equal(promSample(r, 'comptoir_register_mode', { mode: 'connected' }), 1);
  assert.equal(promSample(r, 'comptoir_register_mode', { mode: 'autonomous' }), 0);
  assert.equal(promSample(r, 'comptoir_sale_commit_duration_seconds_count', { kind: 'sale' }), 3);
  assert.equal(promSample(r, 'comptoir_register_pending_records'), 0);
  assert.equal(promSample(r, 'comptoir_register_outbox_age_seconds'), 0);
  assert.ok(promSample(r, 'comptoir_register_sos_copy_age_seconds')! >= 0, 'enrolment copy made');
  assert.equal(promSample(r, 'comptoir_printer_failures_total'), 0);
  await eventually('central counted the 3 tickets', async () => {
    const c = await scrapeMetrics(shop.central.url, TOKEN);
    return promSample(c, 'comptoir_records_ingested_total')! >= 3 && promSample(c, 'comptoir_registers', { mode: 'connected' }) === 1;
  });

  // The link is cut: the register sells on; both sides say so.
  await reg.link.setMode({ kind: 'refuse' });
  await waitForMode(reg, 'autonomous');
  for (let i = 0; i < 2; i++) assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201);
  r = await scrapeMetrics(reg.process.url, TOKEN);
  assert.equal(promSample(r, 'comptoir_register_mode', { mode: 'autonomous' }), 1);
  assert.ok(promSample(r, 'comptoir_register_pending_records')! >= 2);
  assert.ok(promSample(r, 'comptoir_register_outbox_age_seconds')! >= 0);
  await eventually('central shows the silent register autonomous', async () => {
    const c = await scrapeMetrics(shop.central.url, TOKEN);
    return promSample(c, 'comptoir_registers', { mode: 'autonomous' }) === 1 && promSample(c, 'comptoir_register_heartbeat_age_seconds', { register: reg.id })! > 3;
  });

  // Back: the outbox drains, central counts the records once.
  await reg.link.setMode({ kind: 'up' });
  await waitForDrained(reg);
  r = await scrapeMetrics(reg.process.url, TOKEN);
  assert.equal(promSample(r, 'comptoir_register_pending_records'), 0);
  assert.equal(promSample(r, 'comptoir_sale_commit_duration_seconds_count', { kind: 'sale' }), 5);
  const c = await scrapeMetrics(shop.central.url, TOKEN);
  assert.equal(promSample(c, 'comptoir_register_pending_records', { register: reg.id }) !== undefined, true);
  assert.equal(promSample(c, 'comptoir_tamper_alerts', { reason: 'bad_signature' }), 0);
  assert.ok(promSample(c, 'comptoir_http_request_duration_seconds_count', { method: 'POST', route: '/api/sync/heartbeat', status_code: '200' })! > 0);
});

test('every metric the sample Grafana dashboard queries is exposed', async () => {
  const dashboard = readFileSync(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
  const names = new Set([...dashboard.matchAll(/\b(comptoir_[a-z_]+)/g)].map((m) => m[1]!));
  assert.ok(names.size >= 10, 'the dashboard queries the metrics');
  const exposed = (await scrapeMetrics(shop.central.url, TOKEN)) + (await scrapeMetrics(shop.registers[0]!.process.url, TOKEN));
  for (const name of names) assert.match(exposed, new RegExp(`^${name}[ {]`, 'm'), `${name} is exposed`);
});
