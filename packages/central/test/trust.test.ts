import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, CASHIER, DIALECTS, MANAGER, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

// Trust on central (issue 9): the copy schedule's floor; sessions that end.

after(stopSharedPostgres);

for (const dialect of DIALECTS) {
  describe(`copy schedule floor [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let lowered: TestCentral;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse 1');
      lowered = await startTestCentral(dialect, { minSosIntervalSeconds: 60 });
    });
    after(async () => {
      await c?.close();
      await lowered?.close();
    });

    it('refuses an expression firing more often than every 15 minutes, naming it; stores nothing', async () => {
      const put = (cron: string[], central = c, id = reg.id) => central.call('PUT', `/api/registers/${id}/sos-schedule`, central.managerToken, { cron });
      assert.equal((await put(['0 0 6 * * *'])).status, 200);
      for (const frequent of ['* * * * * *', '*/5 * * * *', '0 0,10 12 * * *', '0 */14 * * * *']) {
        const bad = await put(['0 30 12 * * *', frequent]);
        assert.equal(bad.status, 400, frequent);
        assert.equal(bad.json.error.code, 'VALIDATION');
        assert.ok(bad.json.error.message.includes(`"${frequent}"`), `the message names ${frequent}: ${bad.json.error.message}`);
        assert.deepEqual(bad.json.error.details.invalid.map((i: { index: number; expression: string }) => [i.index, i.expression]), [[1, frequent]]);
        assert.match(bad.json.error.details.invalid[0].reason, /900 s/);
      }
      const fleet = await c.call('GET', '/api/registers', c.managerToken);
      assert.deepEqual(fleet.json.items.find((r: { id: string }) => r.id === reg.id).sosSchedule, ['0 0 6 * * *'], 'refusals stored nothing');
      // Exactly every 15 minutes, hourly, or twice a day: allowed.
      for (const fine of [['*/15 * * * *'], ['0 0,15,30,45 * * * *'], ['0 0 * * * *'], ['0 0 6 * * *', '0 0 13 * * *']]) {
        const ok = await put(fine);
        assert.equal(ok.status, 200, `${fine.join(' | ')}: ${JSON.stringify(ok.json)}`);
        assert.deepEqual(ok.json.sosSchedule, fine);
      }
    });

    it('the floor is a setting: a central started with 60 s accepts every minute, not every 30 s', async () => {
      const r = await lowered.enrolRegister('Caisse 9');
      const put = (cron: string[]) => lowered.call('PUT', `/api/registers/${r.id}/sos-schedule`, lowered.adminToken, { cron });
      assert.equal((await put(['* * * * *'])).status, 200);
      const bad = await put(['*/30 * * * * *']);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.details.minIntervalSeconds, 60);
      assert.match(bad.json.error.message, /"\*\/30 \* \* \* \* \*"/);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`sessions end [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let other: Awaited<ReturnType<TestCentral['anotherInstance']>>;
    before(async () => {
      c = await startTestCentral(dialect);
      other = await c.anotherInstance();
    });
    after(async () => {
      await other?.close();
      await c?.close();
    });
    const login = async (u: { username: string; password: string }) => {
      const r = await c.call('POST', '/api/auth/login', null, u);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.token as string;
    };
    /** The status a token gets on a staff route, on the first and on the second instance. */
    const seenAs = async (token: string) => [(await c.call('GET', '/api/registers', token)).status, (await other.call('GET', '/api/registers', token)).status];

    it('POST /api/auth/logout ends only the caller\'s own session, on every instance', async () => {
      const [first, second] = [await login(MANAGER), await login(MANAGER)];
      assert.deepEqual(await seenAs(first), [200, 200]);
      const out = await other.call('POST', '/api/auth/logout', first);
      assert.equal(out.status, 204);
      assert.equal(out.json, null);
      assert.deepEqual(await seenAs(first), [401, 401], 'the token is dead on both instances');
      assert.deepEqual(await seenAs(second), [200, 200], 'the other session of the same user stays');
      assert.equal((await c.call('POST', '/api/auth/logout', first)).status, 401, 'a dead token cannot log out');
      assert.equal((await c.call('POST', '/api/auth/logout', null)).status, 401);
      // A cashier (no back-office rights) may still end their own session.
      const cashier = await login({ username: CASHIER.username, password: CASHIER.password });
      assert.equal((await c.call('GET', '/api/registers', cashier)).status, 403);
      assert.equal((await c.call('POST', '/api/auth/logout', cashier)).status, 204);
      assert.equal((await c.call('GET', '/api/registers', cashier)).status, 401);
    });

    it('a password change, a role change, a deactivation end that user\'s sessions at once; a display name does not', async () => {
      const patch = (body: object) => c.call('PATCH', '/api/users/u-manager', c.adminToken, body);
      let token = await login(MANAGER);
      const bystander = await login(ADMIN);
      assert.equal((await patch({ displayName: 'Gérante principale' })).status, 200);
      assert.deepEqual(await seenAs(token), [200, 200], 'a new display name keeps the session');

      assert.equal((await patch({ password: 'manager-password-2' })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'password changed: old session gone everywhere');
      assert.equal((await c.call('POST', '/api/auth/login', null, MANAGER)).status, 401, 'the old password no longer works');
      const m2 = { username: MANAGER.username, password: 'manager-password-2' };
      token = await login(m2);

      assert.equal((await patch({ role: 'admin' })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'role changed');
      token = await login(m2);
      assert.equal((await patch({ role: 'manager' })).status, 200);
      token = await login(m2);

      assert.equal((await patch({ active: false })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'deactivated');
      const rows = await c.db.selectFrom('sessions').select('user_id').where('user_id', '=', 'u-manager').execute();
      assert.equal(rows.length, 0, 'no session row of the manager is left');
      assert.deepEqual(await seenAs(bystander), [200, 200], 'other users keep theirs');
      assert.equal((await patch({ active: true })).status, 200);
    });
  });
}
