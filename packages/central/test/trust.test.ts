import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

// Trust on central (issue 9): the copy schedule's floor.

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
