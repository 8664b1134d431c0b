import { Readable } from 'node:stream';
import { type SnapshotManifestLine } from '@comptoir/protocol';
import { SnapshotHasher, snapshotLines } from '@comptoir/protocol/node';
import { nowIso, type Ctx } from '../../context';
import { NO_COPY_EXTRAS, copyCounts, readCopyBody } from './sync.service';

/** Lines serialized per chunk written to the socket (one setImmediate between chunks). */
const LINES_PER_CHUNK = 2000;

/**
 * The streamed SOS copy (NDJSON, docs/architecture.md §5). Phases: read the whole copy in ONE consistent read
 * transaction (the database is released before the first byte is sent) → write the data lines in
 * stream order, hashing each canonical line as it is written → write the manifest (version, counts,
 * checksum, ticket head) as the LAST line. A connection cut before the manifest leaves the register
 * without one: it refuses the copy. Backpressure: Readable.from pulls chunks as the socket drains.
 */
export async function snapshotStream(ctx: Ctx, storeId: string, registerId: string, documentsPerCustomer: number, extras = NO_COPY_EXTRAS): Promise<Readable> {
  const { changeVersion, ticketHead, body } = await readCopyBody(ctx, storeId, registerId, documentsPerCustomer, extras);
  const counts = copyCounts(body);
  const createdAt = nowIso(ctx);
  async function* chunks(): AsyncGenerator<string> {
    const hasher = new SnapshotHasher();
    let buf: string[] = [];
    for (const line of snapshotLines(body)) {
      buf.push(hasher.add(line));
      if (buf.length >= LINES_PER_CHUNK) {
        yield `${buf.join('\n')}\n`;
        buf = [];
        await new Promise((r) => setImmediate(r));
      }
    }
    const manifest: SnapshotManifestLine = {
      t: 'manifest',
      r: { changeVersion, counts, checksum: hasher.digest(), createdAt, ticketHead },
    };
    buf.push(JSON.stringify(manifest));
    yield `${buf.join('\n')}\n`;
  }
  return Readable.from(chunks(), { objectMode: false });
}
