// TCP fault-injection proxy (the shop's cuttable link), placed between a register agent and the central server.
//
// Shape: client ──▶ [listening socket on 127.0.0.1:port] ──▶ target (host:port)
// Each accepted connection gets its own upstream connection. Bytes flow through two ordered lanes
// ("up" = client→target, "down" = target→client); the current mode is consulted for every chunk,
// so a mode change applies to live (keep-alive) connections as well as new ones.
//
// Invariants:
// - Order is preserved per lane in every mode (latency included: chunks are delayed, never reordered).
// - A byte is either forwarded or discarded, never duplicated. A connection that had bytes discarded
//   (blackhole) is "poisoned": its streams are corrupt, so it is reset when the blackhole is lifted
//   instead of being resumed as if nothing happened.
// - The byte budget of reset-mid-response / truncate counts response bytes forwarded on a
//   connection since that mode was applied (or since the connection was accepted, if later).
// - In refuse mode nothing listens on the port (a real ECONNREFUSED); leaving refuse mode listens
//   again on the same port number.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type FaultMode =
  | { kind: 'up' }
  | { kind: 'refuse' }
  | { kind: 'reset-mid-response'; afterBytes: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'blackhole' }
  | { kind: 'truncate'; afterBytes: number };

export interface FaultTarget {
  host: string;
  port: number;
}

export interface FaultProxyStats {
  /** Connections accepted since start. */
  connections: number;
  /** Connections currently open on the client side. */
  open: number;
  /** Bytes forwarded client → target. */
  bytesUp: number;
  /** Bytes forwarded target → client. */
  bytesDown: number;
}

export interface FaultProxy {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly mode: FaultMode;
  /** Applies the mode to new and existing connections; resolves once it is in force. */
  setMode(mode: FaultMode): Promise<void>;
  /** New connections go to this target; existing ones keep theirs. */
  setTarget(target: FaultTarget): void;
  close(): Promise<void>;
  stats(): FaultProxyStats;
}

export interface FaultProxyOptions {
  target: FaultTarget;
  /** Port to listen on (127.0.0.1); a free one is picked when omitted. */
  port?: number;
}

// One item in a lane: a chunk of data, or the end of the stream (FIN), or the other side vanished.
type LaneItem = { data: Buffer } | { end: true } | { gone: { error: boolean } };

/** Ordered delivery with optional per-item delay. Items run strictly in push order. */
class Lane {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deliver: (item: LaneItem) => void) {}

  push(item: LaneItem, delayMs: number): void {
    // Fast path: nothing queued and no delay, deliver synchronously (keeps 'up' mode transparent).
    if (this.pending === 0 && delayMs <= 0) {
      this.deliver(item);
      return;
    }
    const due = performance.now() + Math.max(0, delayMs);
    this.pending++;
    this.tail = this.tail.then(async () => {
      const wait = due - performance.now();
      // +1: timers have millisecond granularity and may round down; never deliver early.
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.ceil(wait) + 1));
      this.pending--;
      this.deliver(item);
    });
  }
}

interface Conn {
  client: Socket;
  upstream: Socket | null;
  up: Lane;
  down: Lane;
  /** Response bytes forwarded since the current cut mode was applied. */
  downCount: number;
  /** Some bytes or a FIN were discarded: the stream is corrupt and must not be resumed. */
  poisoned: boolean;
  /** A fault ended this connection; ignore whatever still arrives. */
  cut: boolean;
  /** The client has sent at least one byte. */
  heard: boolean;
}

/**
 * Abortive close: RST instead of FIN where possible.
 * Only on a socket whose writable side was never ended: libuv refuses to reset a socket with a
 * shutdown under way (EINVAL), and Node 20 then leaks the handle, which makes the process spin
 * forever at exit. Such a socket has already sent its FIN anyway, so a plain destroy is used.
 */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  const canReset =
    typeof socket.resetAndDestroy === 'function' && !socket.connecting && !socket.writableEnded;
  if (canReset) socket.resetAndDestroy();
  else socket.destroy();
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let target: FaultTarget = { ...options.target };
  let mode: FaultMode = { kind: 'up' };
  let listenPort = options.port ?? 0;
  let closed = false;
  const conns = new Set<Conn>();
  const totals = { connections: 0, bytesUp: 0, bytesDown: 0 };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, onConnection);
  server.on('error', () => {
    // Listen errors surface through listen(); late errors on the server are not actionable here.
  });

  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen({ host: '127.0.0.1', port: listenPort }, () => {
        server.removeListener('error', onError);
        const address = server.address();
        if (address !== null && typeof address !== 'string') listenPort = address.port;
        resolve();
      });
    });
  }

  function unlisten(): Promise<void> {
    if (!server.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  function ensureUpstream(conn: Conn): Socket {
    if (conn.upstream) return conn.upstream;
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    upstream.setNoDelay(true);
    conn.upstream = upstream;
    upstream.on('data', (data: Buffer) => onDownData(conn, data));
    upstream.on('end', () => onDownEvent(conn, { end: true }));
    upstream.on('error', () => {
      // 'close' follows with hadError = true
    });
    upstream.on('close', (hadError) => onDownEvent(conn, { gone: { error: hadError } }));
    return upstream;
  }

  function delayMs(): number {
    return mode.kind === 'latency' ? mode.ms : 0;
  }

  // ---- client → target -------------------------------------------------------------------------

  function onUpData(conn: Conn, data: Buffer): void {
    conn.heard = true;
    if (conn.cut) return;
    if (mode.kind === 'blackhole') {
      conn.poisoned = true; // read and discard
      return;
    }
    conn.up.push({ data }, delayMs());
  }

  function onUpEvent(conn: Conn, item: LaneItem): void {
    if (conn.cut) return;
    if (mode.kind === 'blackhole') {
      conn.poisoned = true;
      return;
    }
    conn.up.push(item, delayMs());
  }

  function deliverUp(conn: Conn, item: LaneItem): void {
    if (conn.cut) return;
    if (mode.kind === 'blackhole' || mode.kind === 'refuse') {
      conn.poisoned = true;
      return;
    }
    if ('gone' in item) {
      if (conn.upstream) {
        if (item.gone.error) reset(conn.upstream);
        else conn.upstream.destroy();
      }
      return;
    }
    const upstream = ensureUpstream(conn);
    if ('end' in item) {
      upstream.end();
      return;
    }
    totals.bytesUp += item.data.length;
    if (!upstream.write(item.data) && mode.kind !== 'latency') {
      // Backpressure (transparent modes only): stop reading the client until the target drains.
      conn.client.pause();
      upstream.once('drain', () => conn.client.resume());
    }
  }

  // ---- target → client -------------------------------------------------------------------------

  function onDownData(conn: Conn, data: Buffer): void {
    if (conn.cut) return;
    if (mode.kind === 'blackhole') {
      conn.poisoned = true;
      return;
    }
    conn.down.push({ data }, delayMs());
  }

  function onDownEvent(conn: Conn, item: LaneItem): void {
    if (conn.cut) return;
    if (mode.kind === 'blackhole') {
      // Never close towards the client while blackholed; the lost FIN poisons the connection.
      conn.poisoned = true;
      return;
    }
    conn.down.push(item, delayMs());
  }

  function deliverDown(conn: Conn, item: LaneItem): void {
    const { client } = conn;
    if (conn.cut || client.destroyed) return;
    if (mode.kind === 'blackhole' || mode.kind === 'refuse') {
      conn.poisoned = true;
      return;
    }
    if ('end' in item) {
      client.end();
      return;
    }
    if ('gone' in item) {
      if (!item.gone.error) client.end();
      else if (conn.heard) reset(client);
      else resetOnceHeard(conn);
      return;
    }
    let data = item.data;
    if (mode.kind === 'reset-mid-response' || mode.kind === 'truncate') {
      const room = Math.max(0, mode.afterBytes - conn.downCount);
      if (data.length > room) {
        cutAfter(conn, data.subarray(0, room), mode.kind);
        return;
      }
    }
    conn.downCount += data.length;
    totals.bytesDown += data.length;
    if (!client.write(data) && mode.kind !== 'latency' && conn.upstream) {
      const upstream = conn.upstream;
      upstream.pause();
      client.once('drain', () => upstream.resume());
    }
  }

  /**
   * The target could not be reached before the client said anything. Resetting at once races with
   * HTTP clients that are between 'connect' and writing their request (undici then hangs instead of
   * failing), so reset on the client's first bytes, or after a short grace period.
   */
  function resetOnceHeard(conn: Conn): void {
    conn.cut = true;
    const fire = (): void => {
      clearTimeout(timer);
      reset(conn.client);
    };
    const timer = setTimeout(fire, 100);
    conn.client.once('data', fire);
    conn.client.once('end', fire);
  }

  /** Phase: forward the last allowed bytes, then RST (reset) or FIN (truncate) the client. */
  function cutAfter(conn: Conn, head: Buffer, how: 'reset-mid-response' | 'truncate'): void {
    conn.cut = true;
    const { client } = conn;
    if (conn.upstream) conn.upstream.destroy();
    conn.downCount += head.length;
    totals.bytesDown += head.length;
    if (how === 'truncate') {
      client.end(head);
      return;
    }
    // Wait until the head is handed to the kernel: a RST sent earlier would discard it.
    if (head.length === 0) reset(client);
    else client.write(head, () => reset(client));
  }

  // ---- connections -----------------------------------------------------------------------------

  function onConnection(client: Socket): void {
    totals.connections++;
    client.setNoDelay(true);
    const conn: Conn = {
      client,
      upstream: null,
      up: new Lane((item) => deliverUp(conn, item)),
      down: new Lane((item) => deliverDown(conn, item)),
      downCount: 0,
      poisoned: false,
      cut: false,
      heard: false,
    };
    conns.add(conn);
    if (mode.kind === 'refuse') {
      // Accepted just before the listener closed: refuse means nobody talks to it.
      reset(client);
    } else if (mode.kind !== 'blackhole') {
      ensureUpstream(conn); // in blackhole, connect lazily once traffic may flow again
    }
    client.on('data', (data: Buffer) => onUpData(conn, data));
    client.on('end', () => onUpEvent(conn, { end: true }));
    client.on('error', () => {
      // 'close' follows
    });
    client.on('close', (hadError) => {
      conns.delete(conn);
      if (conn.cut || !conn.upstream) {
        conn.upstream?.destroy();
        return;
      }
      // Let queued data reach the target first (latency), then drop the upstream side.
      if (hadError) reset(conn.upstream);
      else conn.up.push({ gone: { error: false } }, delayMs());
    });
  }

  /** Phase of setMode: bring existing connections in line with the new mode. */
  function applyToConnections(previous: FaultMode): void {
    for (const conn of conns) {
      conn.downCount = 0;
      if (mode.kind === 'refuse') {
        conn.cut = true;
        reset(conn.client);
        if (conn.upstream) reset(conn.upstream);
        continue;
      }
      if (mode.kind === 'blackhole') {
        // Keep reading (and discarding) even if a lane was paused by backpressure.
        conn.client.resume();
        conn.upstream?.resume();
        continue;
      }
      if (previous.kind === 'blackhole') {
        if (conn.poisoned) {
          conn.cut = true;
          reset(conn.client);
          if (conn.upstream) reset(conn.upstream);
        } else if (!conn.client.destroyed) {
          ensureUpstream(conn);
        }
      }
    }
  }

  let modeChain: Promise<void> = Promise.resolve();
  function setMode(next: FaultMode): Promise<void> {
    const run = async (): Promise<void> => {
      if (closed) throw new Error('fault proxy is closed');
      const previous = mode;
      mode = { ...next };
      applyToConnections(previous);
      if (mode.kind === 'refuse') await unlisten();
      else if (!server.listening) await listen();
    };
    const result = modeChain.then(run);
    modeChain = result.catch(() => undefined);
    return result;
  }

  await listen();

  return {
    get port() {
      return listenPort;
    },
    get url() {
      return `http://127.0.0.1:${listenPort}`;
    },
    get mode() {
      return mode;
    },
    setMode,
    setTarget(next: FaultTarget) {
      target = { ...next };
    },
    async close() {
      if (closed) return;
      await modeChain;
      closed = true;
      for (const conn of conns) {
        conn.cut = true;
        conn.client.destroy();
        conn.upstream?.destroy();
      }
      await unlisten();
    },
    stats() {
      return { ...totals, open: conns.size };
    },
  };
}
