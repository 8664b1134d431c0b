import { existsSync, writeFileSync } from 'node:fs';
import { optOut } from './opt-out';

// A process's wall clock, moved from outside: Debian's libfaketime preloaded into the process
// (LD_PRELOAD), reading its offset from a file (FAKETIME_TIMESTAMP_FILE) that it re-reads every
// second (FAKETIME_CACHE_DURATION=1). The monotonic clock is left alone
// (FAKETIME_DONT_FAKE_MONOTONIC=1), so timers and deadlines keep running at their real pace.
//
// Phases of a FakeClock: written (the file holds an offset from the real clock, `+0` at first) →
// seen (the process reads it within a second; a test waits until the process shows it, e.g. by its
// HTTP Date header). Invariant: the file always holds one relative offset, so the faked time keeps
// running with the real time from the moment it is set.

/** libfaketime, where Debian's `faketime` package puts it; null when it is not installed. */
export const FAKETIME_LIB: string | null =
  ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p)) ?? null;

/** Set to 1 to run without libfaketime: the tests that need it are then reported skipped, never silently absent. */
export const NO_FAKETIME_VAR = 'COMPTOIR_TEST_NO_FAKETIME';
const faketime = optOut(NO_FAKETIME_VAR, 'libfaketime test skipped');

/**
 * The options of a test that moves a process's clock: skipped (and so counted) when the run opted
 * out; otherwise it runs, and `fakeClock` fails it when libfaketime is missing.
 */
export function onFaketime(): { skip: string | false } {
  return faketime.options();
}

export interface FakeClock {
  /** The environment that makes a process follow this clock (pass it to its spawn). */
  env: Record<string, string>;
  /** Moves the clock to `at` (from now on it runs on from there). */
  set(at: Date): void;
  /** Writes a raw libfaketime offset (`+0`, `-30m`, `+2d`...). */
  step(offset: string): void;
}

/** A clock file at `file`, starting at the real time. Throws when libfaketime is not installed. */
export function fakeClock(file: string): FakeClock {
  if (!FAKETIME_LIB) throw faketime.missing('libfaketime is not installed (apt-get install faketime)');
  const step = (offset: string) => writeFileSync(file, `${offset}\n`);
  step('+0');
  return {
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_CACHE_DURATION: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    set(at) {
      const seconds = Math.round((at.getTime() - Date.now()) / 1000);
      step(`${seconds >= 0 ? '+' : ''}${seconds}`);
    },
    step,
  };
}
