import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, http } from '@comptoir/testing';
import { openShop, registerStatus, sell, someProducts, waitForMode, type Shop } from './support/shop';

// Revocation seen by a running register (issue 9): a real central process and a real register
// process. Once an admin revokes the till, its heartbeats get 401: the register says why in its
// status (centralRefusal, shown in the screen's banner), goes autonomous and keeps selling, its
// records waiting in the outbox — nothing is lost if it was revoked by mistake and re-enrolled.

describe('a running register sees its revocation', () => {
  let shop: Shop;
  before(async () => {
    shop = await openShop({ registers: 1, heartbeatMs: 250 });
  });
  after(async () => shop?.cleanup());

  test('heartbeat 401 after revoke: refusal shown in status, autonomous, sales kept in the outbox', async () => {
    const reg = shop.registers[0]!;
    await waitForMode(reg, 'connected');
    assert.equal((await registerStatus(reg)).centralRefusal ?? null, null);
    const revoked = await http(shop.central.url, 'POST', `/api/registers/${reg.id}/revoke`, { token: shop.adminToken });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const status = await eventually('the register reports the refusal', async () => {
      const s = await registerStatus(reg);
      return s.centralRefusal?.code === 'UNAUTHENTICATED' ? s : null;
    }, 15_000);
    assert.match(status.centralRefusal.message, /revoked/);
    await waitForMode(reg, 'autonomous');
    const [p] = await someProducts(shop, 1);
    assert.equal((await sell(reg, [{ ...p!, quantity: 1 }])).status, 201, 'the till still sells');
    const after = await eventually('the sale waits in the outbox', async () => {
      const s = await registerStatus(reg);
      return s.pendingRecords > 0 ? s : null;
    });
    assert.ok(after.pendingRecords > 0);
    const fleet = await http(shop.central.url, 'GET', '/api/registers', { token: shop.adminToken });
    assert.equal(fleet.body.items.find((r: { id: string }) => r.id === reg.id).revokedAt, revoked.body.revokedAt);
  });
});
