// An HTTP relay between the register under test and the real central server, transparent (streams
// and server-sent events included) until asked to alter the next SOS copy in transit: one product's
// price in the NDJSON stream is changed, every line stays well-formed and the manifest (counts,
// checksum) is central's own. Only the checksum can tell — which is what the register must check.
// (The TCP fault proxy of @comptoir/testing can cut, reset, delay or truncate, not alter bytes.)
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

const COPY_PATH = '/api/sync/snapshot/stream';

export interface CorruptingRelay {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** The next streamed copy central serves arrives with one price altered. */
  corruptNextCopy(): void;
  /** How many copies were altered so far (a test can check its fault was really applied). */
  readonly corrupted: number;
  close(): Promise<void>;
}

/** Raises the price of the first product line by one cent; everything else byte for byte. */
function alterOnePrice(body: string): string {
  const lines = body.split('\n');
  const i = lines.findIndex((l) => l.startsWith('{"t":"product"'));
  if (i < 0) throw new Error('corrupting relay: no product line in the copy');
  const line = JSON.parse(lines[i]!) as { t: string; r: { priceCents: number } };
  line.r.priceCents += 1;
  lines[i] = JSON.stringify(line);
  return lines.join('\n');
}

export async function startCorruptingRelay(target: { host: string; port: number }): Promise<CorruptingRelay> {
  const agent = new Agent({ keepAlive: true });
  let corruptNext = false;
  let corrupted = 0;

  const relay = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        const alter = corruptNext && req.url?.split('?')[0] === COPY_PATH && answer.statusCode === 200;
        if (!alter) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        corruptNext = false;
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.from(alterOnePrice(Buffer.concat(chunks).toString('utf8')), 'utf8');
          const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = answer.headers;
          res.writeHead(answer.statusCode ?? 200, { ...headers, 'content-length': body.length });
          res.end(body);
          corrupted++;
        });
      },
    );
    // Central gone (stopped, refused): the register sees its connection dropped, as without a relay.
    upstream.on('error', () => res.destroy());
    // The register gave up (timeout, close): so does the relay.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const server = createServer(relay);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    corruptNextCopy() {
      corruptNext = true;
    },
    get corrupted() {
      return corrupted;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
