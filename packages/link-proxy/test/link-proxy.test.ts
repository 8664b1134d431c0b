// Each fault mode observed from real clients (fetch, node:http, undici, raw sockets) against a real
// node:http server on a free port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, Agent as HttpAgent, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { startFaultProxy, type FaultProxy } from '../src/index';

const BIG = 256 * 1024;

interface Backend {
  server: Server;
  port: number;
  requests: number;
  connections: number;
  close(): Promise<void>;
}

async function startBackend(label = 'a'): Promise<Backend> {
  const body = Buffer.alloc(BIG, 'x');
  const backend = { requests: 0, connections: 0 } as Backend;
  const server = createServer((req, res) => {
    backend.requests++;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`hello from ${label}`);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => backend.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  backend.server = server;
  backend.port = (server.address() as AddressInfo).port;
  backend.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return backend;
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Raw HTTP/1.1 GET; resolves with every byte received until the server's FIN, or rejects. */
function rawGet(port: number, path: string): Promise<{ bytes: Buffer; head: string }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const headEnd = bytes.indexOf('\r\n\r\n');
      resolve({ bytes, head: bytes.subarray(0, headEnd < 0 ? bytes.length : headEnd).toString() });
      socket.destroy();
    });
    socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
  });
}

describe('fault proxy', () => {
  let backend: Backend;
  let proxy: FaultProxy;

  before(async () => {
    backend = await startBackend();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: backend.port } });
  });
  after(async () => {
    await proxy.close();
    await backend.close();
  });

  it('up: forwards requests and responses transparently', async () => {
    await proxy.setMode({ kind: 'up' });
    assert.equal(proxy.url, `http://127.0.0.1:${proxy.port}`);
    const res = await fetch(`${proxy.url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello from a');
    const big = await fetch(`${proxy.url}/big`);
    assert.equal((await big.arrayBuffer()).byteLength, BIG);
    const s = proxy.stats();
    assert.ok(s.connections >= 1);
    assert.ok(s.bytesUp > 0);
    assert.ok(s.bytesDown > BIG);
  });

  it('refuse: a real ECONNREFUSED, then serves again on the same port', async () => {
    const port = proxy.port;
    await proxy.setMode({ kind: 'refuse' });
    // fetch's pool may still hold the keep-alive socket from the previous test: it was reset by
    // the mode change, so the first attempt can fail with ECONNRESET; a fresh connect is refused.
    await assert.rejects(fetch(`${proxy.url}/`), (err) =>
      ['ECONNREFUSED', 'ECONNRESET'].includes(errorCode(err) ?? ''),
    );
    await assert.rejects(fetch(`${proxy.url}/`), (err) => errorCode(err) === 'ECONNREFUSED');
    const rawCode = await new Promise<string | undefined>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (err) => resolve(errorCode(err)));
    });
    assert.equal(rawCode, 'ECONNREFUSED');
    await proxy.setMode({ kind: 'up' });
    assert.equal(proxy.port, port);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await res.text(), 'hello from a');
  });

  it('reset-mid-response: headers arrive, then the body read fails with ECONNRESET', async () => {
    await proxy.setMode({ kind: 'reset-mid-response', afterBytes: 4096 });
    try {
      // fetch (undici): the response starts, then the body stream errors.
      const res = await fetch(`${proxy.url}/big`);
      assert.equal(res.status, 200);
      await assert.rejects(res.arrayBuffer(), (err) => {
        const code = errorCode(err);
        return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
      });
      // node:http: the socket error is ECONNRESET, after fewer bytes than content-length.
      const seen = await new Promise<{ code: string | undefined; received: number }>((resolve) => {
        let received = 0;
        const req = httpRequest(`${proxy.url}/big`, { agent: false }, (res) => {
          res.on('data', (c: Buffer) => (received += c.length));
          res.on('error', (err) => resolve({ code: errorCode(err), received }));
          res.on('end', () => resolve({ code: 'complete', received }));
        });
        req.on('error', (err) => resolve({ code: errorCode(err), received }));
        req.end();
      });
      assert.ok(seen.code === 'ECONNRESET' || seen.code === 'ECONNABORTED', `got ${seen.code}`);
      assert.ok(seen.received < BIG);
    } finally {
      await proxy.setMode({ kind: 'up' });
    }
  });

  it('latency: each request takes at least the configured delay, bytes stay in order', async () => {
    const ms = 150;
    await proxy.setMode({ kind: 'latency', ms });
    try {
      const started = performance.now();
      const res = await fetch(`${proxy.url}/big`, { headers: { connection: 'close' } });
      const body = Buffer.from(await res.arrayBuffer());
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= ms, `elapsed ${elapsed} ms < ${ms} ms`);
      assert.equal(body.length, BIG);
      assert.ok(body.every((b) => b === 0x78));
    } finally {
      await proxy.setMode({ kind: 'up' });
    }
  });

  it('latency keeps chunk order both ways (echo server)', async () => {
    const echo = createTcpServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoProxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port },
    });
    try {
      await echoProxy.setMode({ kind: 'latency', ms: 20 });
      const expected = Array.from({ length: 50 }, (_, i) => `<${i}>`).join('');
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: echoProxy.port });
        let text = '';
        s.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.length >= expected.length) {
            s.destroy();
            resolve(text);
          }
        });
        s.on('error', reject);
        let i = 0;
        const timer = setInterval(() => {
          s.write(`<${i}>`);
          if (++i === 50) clearInterval(timer);
        }, 1);
      });
      assert.equal(got, expected);
    } finally {
      await echoProxy.close();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it('blackhole: requests time out, nothing reaches the server, restore works', async () => {
    await proxy.setMode({ kind: 'blackhole' });
    const before = backend.requests;
    const started = performance.now();
    await assert.rejects(
      fetch(`${proxy.url}/`, { signal: AbortSignal.timeout(300) }),
      (err: Error) => err.name === 'TimeoutError',
    );
    assert.ok(performance.now() - started >= 290);
    assert.equal(backend.requests, before);
    await proxy.setMode({ kind: 'up' });
    const res = await fetch(`${proxy.url}/`);
    assert.equal(await res.text(), 'hello from a');
  });

  it('truncate: the client gets a clean FIN after afterBytes, fewer than content-length', async () => {
    const afterBytes = 10_000;
    await proxy.setMode({ kind: 'truncate', afterBytes });
    try {
      const { bytes, head } = await rawGet(proxy.port, '/big');
      assert.equal(bytes.length, afterBytes);
      const contentLength = Number(/content-length: (\d+)/i.exec(head)?.[1]);
      assert.equal(contentLength, BIG);
      const bodyBytes = bytes.length - (head.length + 4);
      assert.ok(bodyBytes < contentLength);
      // fetch notices the short body.
      const res = await fetch(`${proxy.url}/big`);
      await assert.rejects(res.arrayBuffer());
    } finally {
      await proxy.setMode({ kind: 'up' });
    }
  });

  it('a mode change cuts keep-alive connections too (blackhole, refuse)', async () => {
    await proxy.setMode({ kind: 'up' });
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const get = (signal?: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${proxy.url}/`, { agent, signal }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const connectionsBefore = proxy.stats().connections;
      assert.equal(await get(), 'hello from a');
      assert.equal(await get(), 'hello from a');
      assert.equal(proxy.stats().connections, connectionsBefore + 1, 'the socket was reused');
      assert.equal(proxy.stats().open >= 1, true);

      await proxy.setMode({ kind: 'blackhole' });
      await assert.rejects(get(AbortSignal.timeout(300)), (err: Error) => err.name === 'AbortError');
      await proxy.setMode({ kind: 'up' });
      assert.equal(await get(), 'hello from a');

      await proxy.setMode({ kind: 'refuse' });
      await assert.rejects(get());
      await proxy.setMode({ kind: 'up' });
      assert.equal(await get(), 'hello from a');
    } finally {
      agent.destroy();
    }
  });

  it('a client that gives up during a black hole leaves no target connection open once the link is back', async () => {
    const openAtTarget = () => new Promise<number>((r) => backend.server.getConnections((_e, n) => r(n)));
    const until = async (want: (n: number) => boolean) => {
      for (let i = 0; i < 100 && !want(await openAtTarget()); i++) await new Promise((r) => setTimeout(r, 20));
      return openAtTarget();
    };
    // FIN (a plain close) and RST (an abort with unread data): both must leave nothing behind.
    for (const leave of ['end', 'reset'] as const) {
      await proxy.setMode({ kind: 'up' });
      backend.server.closeIdleConnections();
      assert.equal(await until((n) => n === 0), 0, 'no connection left open by earlier steps');
      const socket = connect({ host: '127.0.0.1', port: proxy.port });
      socket.on('error', () => undefined);
      await new Promise<void>((r) => socket.once('connect', () => r()));
      assert.equal(await until((n) => n === 1), 1, 'the proxy connected to the target');
      await proxy.setMode({ kind: 'blackhole' });
      socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      if (leave === 'end') socket.destroy();
      else socket.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 50));
      await proxy.setMode({ kind: 'up' });
      assert.equal(await until((n) => n === 0), 0, `the target connection is closed (client ${leave})`);
    }
  });

  it('an undici keep-alive pool is cut by blackhole and recovers', async () => {
    await proxy.setMode({ kind: 'up' });
    const dispatcher = new UndiciAgent({ keepAliveTimeout: 30_000, connections: 1 });
    try {
      const first = await undiciRequest(`${proxy.url}/`, { dispatcher });
      assert.equal(await first.body.text(), 'hello from a');
      await proxy.setMode({ kind: 'blackhole' });
      await assert.rejects(
        undiciRequest(`${proxy.url}/`, { dispatcher, signal: AbortSignal.timeout(300) }),
      );
      await proxy.setMode({ kind: 'up' });
      const again = await undiciRequest(`${proxy.url}/`, { dispatcher });
      assert.equal(await again.body.text(), 'hello from a');
    } finally {
      await dispatcher.close();
    }
  });

  it('setTarget: new connections go to the new target', async () => {
    const other = await startBackend('b');
    try {
      await proxy.setMode({ kind: 'up' });
      proxy.setTarget({ host: '127.0.0.1', port: other.port });
      const res = await fetch(`${proxy.url}/`, { headers: { connection: 'close' } });
      assert.equal(await res.text(), 'hello from b');
    } finally {
      proxy.setTarget({ host: '127.0.0.1', port: backend.port });
      await other.close();
    }
  });

  it('target down: the client connection is reset, not left hanging', async () => {
    const down = await startFaultProxy({ target: { host: '127.0.0.1', port: proxy.port } });
    await proxy.setMode({ kind: 'refuse' });
    try {
      await assert.rejects(fetch(`${down.url}/`, { signal: AbortSignal.timeout(5000) }), (err) => {
        return errorCode(err) !== undefined && (err as Error).name !== 'TimeoutError';
      });
    } finally {
      await proxy.setMode({ kind: 'up' });
      await down.close();
    }
  });
});
