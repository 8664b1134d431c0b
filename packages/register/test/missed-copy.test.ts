// A scheduled SOS copy missed while the register was off runs at start (register-agent.ts,
// `missedScheduledCopy`), against the real central server. The decision: a copy is missed when the
// schedule's first slot after the register's last full copy (`last_copy_at`) is already past.
// The schedule is central's remote configuration (1 January, 03:00, store time: it never fires
// during a run), so any copy seen here is the start-up catch-up, never the cron itself.
// The register is stopped, its last copy dated just after the last slot (control) or just before
// it (missed) — what a till switched off over that slot holds — and started again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cron } from 'croner';
import { eventually } from '@comptoir/testing';
import type { RunningRegister } from '../src/index';
import { FAR_SCHEDULE, centralPerFile } from './support/central';
import { startTestRegister, tmp } from './helpers';

const centralOfFile = centralPerFile();

/** The SOS copies the register made, in chain order: the `sos_copy` events' kinds, with the starts between them. */
function copiesAndStarts(reg: RunningRegister): string[] {
  return (reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[])
    .map((r) => JSON.parse(r.payload) as { event: string; details: { kind?: string } })
    .filter((e) => e.event === 'sos_copy' || e.event === 'register_start')
    .map((e) => (e.event === 'sos_copy' ? `copy:${e.details.kind}` : 'start'));
}

/** What the register did after its last start. */
const sinceLastStart = (reg: RunningRegister) => {
  const all = copiesAndStarts(reg);
  return all.slice(all.lastIndexOf('start') + 1);
};

describe('a scheduled copy missed while the register was off', () => {
  const dirs: { cleanup(): Promise<void> }[] = [];
  let reg: RunningRegister | undefined;
  after(async () => {
    await reg?.close();
    for (const d of dirs) await d.cleanup();
  });

  test('runs at start when the last copy predates the last scheduled slot; none runs when it follows it', async () => {
    const central = await centralOfFile();
    const created = await central.createRegister('Caisse copie manquée');
    await central.setSosSchedule(created.id, FAR_SCHEDULE);
    const dir = await tmp();
    dirs.push(dir);
    reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode });
    await eventually('the schedule applied from a heartbeat', async () => JSON.stringify(reg!.status().sosSchedule) === JSON.stringify(FAR_SCHEDULE), 10_000);
    // The last slot before now, in the store's time zone (the one the register evaluates it in).
    const { timezone } = await central.store();
    const now = new Date();
    const cron = new Cron(FAR_SCHEDULE[0]!, { paused: true, timezone });
    const lastSlot = [now.getUTCFullYear(), now.getUTCFullYear() - 1]
      .map((y) => cron.nextRun(new Date(Date.UTC(y - 1, 11, 30)))!)
      .find((d) => d <= now)!;
    assert.ok(lastSlot, 'a slot this year or last year');

    /** Stops the register, dates its last full copy `lastCopyAt`, starts it again (no code: enrolled). */
    const restartWithLastCopyAt = async (lastCopyAt: Date) => {
      await reg!.close();
      reg = undefined;
      const db = new Database(join(dir.path, 'register.sqlite'), { fileMustExist: true });
      try {
        assert.equal(db.prepare('UPDATE register_meta SET last_copy_at = ? WHERE id = 1').run(lastCopyAt.toISOString()).changes, 1);
      } finally {
        db.close();
      }
      reg = await startTestRegister(dir.path, central.url);
      return reg;
    };
    /** Waits for two heartbeats answered after the start: the check ran on each. */
    const twoHeartbeatsAnswered = async (r: RunningRegister) => {
      let seen = 0;
      let last = r.status().lastContactAt;
      await eventually('two heartbeats answered since the start', async () => {
        const s = r.status();
        if (s.mode === 'connected' && s.lastContactAt !== last) {
          seen++;
          last = s.lastContactAt;
        }
        return seen >= 2;
      }, 15_000, 20);
    };

    // Control: the last copy was made a minute after the last slot, so no slot fell while it was off.
    const control = await restartWithLastCopyAt(new Date(lastSlot.getTime() + 60_000));
    await twoHeartbeatsAnswered(control);
    // A copy started at start would be on the agent's one copy chain ahead of this manual one.
    const manual = await control.agent.manualCopy();
    assert.equal(manual.kind, 'manual');
    assert.deepEqual(sinceLastStart(control), ['copy:manual'], 'no copy at start when no slot was missed');

    // Missed: the last copy was made a minute before the last slot; the slot passed while it was off.
    const missed = await restartWithLastCopyAt(new Date(lastSlot.getTime() - 60_000));
    const status = await eventually('the missed copy made at start', async () => {
      const s = missed.status();
      return s.lastSosCopyKind === 'scheduled' ? s : null;
    }, 30_000, 20);
    assert.ok(status.lastSosCopyAt! > lastSlot.toISOString(), `the copy is newer than the slot it stands for (${status.lastSosCopyAt})`);
    assert.deepEqual(sinceLastStart(missed), ['copy:scheduled'], 'exactly one copy, the scheduled one, after the start');
    await eventually('central sees the scheduled copy', async () => (await central.fleetRow(created.id)).lastSosCopyKind === 'scheduled', 10_000);
    // Once made, it is not made again: the next heartbeats find no slot missed since.
    await twoHeartbeatsAnswered(missed);
    assert.deepEqual(sinceLastStart(missed), ['copy:scheduled'], 'the catch-up is made once');
  });
});
