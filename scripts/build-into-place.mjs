// Builds into a fresh temporary folder beside `finalDir`, then renames it into place, so a reader (a
// test run spawning `comptoir`, a server serving a web app) sees the previous complete build or the
// new complete build, never a half-written or emptied folder; two builds on one tree do not trip
// over each other (the last one to finish wins, both complete).
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Runs `build(tmpDir)`, then puts tmpDir at finalDir (the previous folder is removed). */
export async function buildIntoPlace(finalDir, build) {
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(dirname(finalDir), `.${basename(finalDir)}-tmp-${stamp}`);
  try {
    await build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  // rename() cannot replace a non-empty folder: move the current one aside, then ours in. Another
  // build may slip its folder in between: then move that one aside too and try again.
  const aside = [];
  for (let attempt = 0; ; attempt++) {
    const old = join(dirname(finalDir), `.${basename(finalDir)}-old-${stamp}-${attempt}`);
    try {
      renameSync(finalDir, old);
      aside.push(old);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    try {
      renameSync(tmp, finalDir);
      break;
    } catch (e) {
      if ((e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') || attempt >= 20) throw e;
    }
  }
  for (const old of aside) rmSync(old, { recursive: true, force: true });
}
