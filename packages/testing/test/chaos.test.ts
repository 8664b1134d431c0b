// test-runner: heavy — two chaos runs of a central and registers each, side by side: never beside another heavy file (a browser).
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setPriority } from 'node:os';
import { FAULT_KINDS, faultKindsUnavailable, runChaos, type ChaosReport } from '../src/chaos/chaos-run';
import { optOut } from '../src/opt-out';
import { randomSeed } from '../src/chaos/seeded-random';

/**
 * The chaos run of CI (issue 14): central and 2 registers behind fault proxies, concurrent sellers,
 * the seeded nemesis, then the checker over the whole history. Two runs side by side (each its own
 * central, registers, proxies and folders; the workload and faults last a fixed time, so two at once
 * take the wall time of one, in one lane of the test runner): a fixed seed (the same choices every
 * time) and a random one, printed so a failure can be repeated with `npm run chaos -- --seed S`.
 * COMPTOIR_CHAOS_MINUTES sets the length of each run (default 1: two minutes of chaos in all, about
 * seven faults and 150–200 returns per run).
 *
 * Every fault kind must be injectable: a machine without root (central's disk full needs a tmpfs it
 * mounts) or without libfaketime (a register's clock step) fails the file, unless
 * COMPTOIR_TEST_NO_CHAOS_FAULTS=1 says so; then each kind not injected is one skipped test, counted
 * in the runner's closing line. CI (.ci/run) runs as root with faketime installed: it injects all.
 */
const minutes = Number(process.env.COMPTOIR_CHAOS_MINUTES ?? 1);
const chaosFaults = optOut('COMPTOIR_TEST_NO_CHAOS_FAULTS', 'fault kind not injected');
// The run shares the machine with whatever else runs: it yields the CPU first.
setPriority(process.pid, 19);

/** Fails unless opted out; opted out, each kind not injected is a skipped subtest. */
async function faultKindsNotInjected(t: TestContext, label: string, missing: { kind: string; why: string }[]): Promise<void> {
  if (missing.length === 0) return;
  const list = missing.map((m) => `${m.kind} (${m.why})`).join(', ');
  console.log(`chaos (${label}): ${missing.length} of ${FAULT_KINDS.length} fault kinds NOT injected: ${list}`);
  assert.ok(chaosFaults.optedOut, chaosFaults.missing(`${missing.length} fault kind(s) cannot be injected on this machine: ${list}. Run as root with libfaketime (apt-get install faketime)`));
  for (const m of missing) await t.test(`fault kind ${m.kind} not injected: ${m.why}`, chaosFaults.options(), () => undefined);
}

function printRun(label: string, report: ChaosReport): void {
  const injected = Object.values(report.faults).reduce((s, n) => s + (n ?? 0), 0);
  const notDrawn = FAULT_KINDS.filter((k) => !report.faults[k] && !report.skippedFaultKinds.some((s) => s.kind === k));
  console.log(
    `chaos (${label}): ${report.acknowledged.sales} sales, ${report.acknowledged.returns} returns, ${report.acknowledged.closures} Z, ${report.acknowledged.cashMovements} paid-ins, refusals ${JSON.stringify(report.refusals)}; ` +
      `${injected} faults of ${Object.keys(report.faults).length} kinds ${JSON.stringify(report.faults)}; not drawn this run: ${notDrawn.join(', ') || 'none'}; ` +
      `not injectable here: ${report.skippedFaultKinds.map((s) => s.kind).join(', ') || 'none'}; healed in ${report.healMs} ms`,
  );
}

describe('chaos', { concurrency: true }, () => {
  for (const [label, seed] of [['fixed seed', 20261202], ['random seed', randomSeed()]] as const) {
    test(`chaos run, ${label} ${seed}: nothing lost, nothing duplicated, chains verify`, async (t) => {
      // Known before the run: fail at once rather than after a minute of chaos.
      await faultKindsNotInjected(t, label, faultKindsUnavailable());
      console.log(`chaos (${label}): seed ${seed}, ${minutes} min; repeat with npm run chaos -- --minutes ${minutes} --seed ${seed} --registers 2`);
      const report = await runChaos({ minutes, seed, registers: 2, sellers: 3 });
      printRun(label, report);
      assert.deepEqual(report.violations, [], `seed ${seed}: repeat with ${report.reproduce}; history kept in ${String(report.workDir)}`);
      // Found only by trying (a tmpfs mount that failed as root).
      const foundLate = report.skippedFaultKinds.filter((s) => !faultKindsUnavailable().some((u) => u.kind === s.kind));
      await faultKindsNotInjected(t, label, foundLate);
      assert.ok(report.acknowledged.sales > 0, 'the run sold something');
      // Returns are part of the workload: a run where every return is refused (e.g. for want of the
      // manager's approval) would check stock and closures on sales alone.
      assert.ok(report.acknowledged.returns > 0, `the run refunded something (refusals: ${JSON.stringify(report.refusals)})`);
      const refusedForRights = Object.keys(report.refusals).filter((k) => / 40[13] /.test(k));
      assert.deepEqual(refusedForRights, [], 'no action of the workload is refused for want of rights');
      assert.ok(Object.keys(report.faults).length > 0, 'the nemesis injected faults');
    });
  }
});
