// A machine tool the suite needs, and the run's explicit way out of it (docs/testing.md, "Tools the
// suite needs, and opting out"): a test that needs the tool fails when it is missing, unless the run
// sets the tool's variable to 1; then the test is skipped, and so counted in the runner's closing
// line, never silently left out. One shape for every such tool: PostgreSQL, libfaketime, pdftotext,
// root for the disk-full test, the chaos run's fault kinds.

export interface OptOut {
  /** The environment variable that opts out (`VAR=1`). */
  readonly variable: string;
  /** Whether this run opted out (read from the environment when asked). */
  readonly optedOut: boolean;
  /** What a skipped test reports: `VAR=1: reason`. */
  readonly reason: string;
  /** node:test's `skip`: the reason when opted out, false otherwise. */
  readonly skip: string | false;
  /** `{ skip }`, the options of a test or suite that needs the tool. */
  options(): { skip: string | false };
  /** The error of a run that needs the tool and lacks it: `need` (what is missing, how to get it), then the way out. */
  missing(need: string): Error;
}

/**
 * The opt-out of a tool: `variable` set to 1 skips the tests that need it, each one reported
 * `VARIABLE=1: reason`. E.g. `const diskFull = optOut('COMPTOIR_TEST_NO_DISK_FULL', 'disk-full tests skipped')`,
 * then `test('…', diskFull.options(), …)` and `assert.ok(asRoot, diskFull.missing('the disk-full tests need root'))`.
 */
export function optOut(variable: string, reason: string): OptOut {
  return {
    variable,
    reason: `${variable}=1: ${reason}`,
    get optedOut() {
      return process.env[variable] === '1';
    },
    get skip() {
      return this.optedOut ? this.reason : false;
    },
    options() {
      return { skip: this.skip };
    },
    missing(need) {
      return new Error(`${need}, or set ${variable}=1 to skip the tests that need it`);
    },
  };
}
