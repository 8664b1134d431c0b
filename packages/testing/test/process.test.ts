// Real child processes: readiness polling, output capture, SIGKILL, graceful stop, cleanup on exit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode, tempDir, waitForHttp, type TempDir } from '../src/index';

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url));

// A tiny HTTP service: prints a line per request, answers 200, exits 0 on SIGTERM unless told not to.
const SERVER = `
import { createServer } from 'node:http';
const port = Number(process.env.PORT);
console.log('booting on ' + port);
console.error('a line on stderr');
const server = createServer((req, res) => { console.log('hit ' + req.url); res.end('ok'); });
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  if (process.env.IGNORE_TERM) { console.log('ignoring SIGTERM'); return; }
  console.log('bye'); server.close(); process.exit(0);
});
`;

// Spawns a long-lived grandchild through spawnNode, prints its pid, then exits (or is killed).
const PARENT = `
import { spawnNode } from ${JSON.stringify(INDEX)};
const h = spawnNode([${JSON.stringify('-e')}, 'setInterval(() => {}, 1000)'], { name: 'sleeper' });
console.log('child ' + h.pid);
setTimeout(() => process.exit(0), 200);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('process helpers', () => {
  let dir: TempDir;
  let script: string;

  before(async () => {
    dir = await tempDir('comptoir-process-');
    script = join(dir.path, 'server.ts');
    await writeFile(script, SERVER);
    await writeFile(join(dir.path, 'parent.ts'), PARENT);
  });
  after(() => dir.cleanup());

  it('waitForHttp sees the child come up; output() keeps stdout and stderr; logFile gets them', async () => {
    const port = await freePort();
    const logFile = join(dir.path, 'server.log');
    const child = spawnNode([script], { name: 'svc', env: { PORT: String(port) }, logFile });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, { child });
      assert.ok(child.pid > 0);
      const out = child.output();
      assert.match(out, /booting on \d+/);
      assert.match(out, /a line on stderr/);
      // The request's log line travels through a pipe: it may land just after the response.
      const deadline = Date.now() + 2000;
      while (!/hit \/health/.test(child.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.match(child.output(), /hit \/health/);
    } finally {
      await child.stop();
    }
    assert.equal(await child.exited, 0);
    assert.match(child.output(), /bye/);
    const log = await readFile(logFile, 'utf8');
    assert.match(log, /booting on/);
    assert.match(log, /bye/);
  });

  it('kill9 ends the child at once (exit code null: killed by a signal)', async () => {
    const port = await freePort();
    const child = spawnNode([script], { name: 'svc', env: { PORT: String(port) } });
    await waitForHttp(`http://127.0.0.1:${port}/`, { child });
    await child.kill9();
    assert.equal(await child.exited, null);
    assert.equal(child.child.signalCode, 'SIGKILL');
    assert.equal(alive(child.pid), false);
  });

  it('stop escalates to SIGKILL when SIGTERM is ignored', async () => {
    const port = await freePort();
    const child = spawnNode([script], { name: 'stubborn', env: { PORT: String(port), IGNORE_TERM: '1' } });
    await waitForHttp(`http://127.0.0.1:${port}/`, { child });
    const started = Date.now();
    await child.stop(300);
    assert.ok(Date.now() - started >= 290);
    assert.equal(child.child.signalCode, 'SIGKILL');
    assert.match(child.output(), /ignoring SIGTERM/);
  });

  it('waitForHttp times out with a clear message and the child output', async () => {
    const port = await freePort();
    const child = spawnNode(['-e', 'console.log("never listening"); setInterval(() => {}, 1000)'], { name: 'mute' });
    try {
      // Node's own start-up can take longer than the timeout under test on a loaded machine: wait for the
      // child's line first, so the error below must carry it.
      for (let waited = 0; !child.output().includes('never listening'); waited += 50) {
        assert.ok(waited < 60_000, 'the child never printed its line');
        await new Promise((r) => setTimeout(r, 50));
      }
      await assert.rejects(
        waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 1500, child }),
        (err: Error) =>
          err.message.includes('not ready after 1500 ms') &&
          err.message.includes('ECONNREFUSED') &&
          err.message.includes('mute') &&
          err.message.includes('never listening'),
      );
    } finally {
      await child.kill9();
    }
  });

  it('waitForHttp fails fast when the child exits, and honours okStatus', async () => {
    const crash = spawnNode(['-e', 'console.error("boom"); process.exit(3)'], { name: 'crasher' });
    const port = await freePort();
    // The reason proves the exit path was taken, not the (long) timeout: no clock reading needed.
    await assert.rejects(
      waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 120_000, child: crash }),
      (err: Error) =>
        err.message.includes('exited with 3') && err.message.includes('boom') && !err.message.includes('not ready after'),
    );

    const svcPort = await freePort();
    const svc = spawnNode([script], { name: 'svc', env: { PORT: String(svcPort) } });
    try {
      await waitForHttp(`http://127.0.0.1:${svcPort}/`, { child: svc, okStatus: [200] });
      await assert.rejects(
        waitForHttp(`http://127.0.0.1:${svcPort}/`, { timeoutMs: 3000, okStatus: (s) => s === 204, child: svc }),
        /HTTP 200/,
      );
    } finally {
      await svc.stop();
    }
  });

  it('children are killed when the test process exits', async () => {
    const parent = spawnNode([join(dir.path, 'parent.ts')], { name: 'parent' });
    assert.equal(await parent.exited, 0);
    const pid = Number(/child (\d+)/.exec(parent.output())?.[1]);
    assert.ok(pid > 0, parent.output());
    // The exit hook sends SIGKILL synchronously; give the kernel a moment to reap.
    const deadline = Date.now() + 2000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(pid), false);
  });
});
