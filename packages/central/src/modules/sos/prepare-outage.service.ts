import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import {
  ComptoirError,
  ERROR_CODES,
  ErrorBody,
  REMOTE_COPY_PATH,
  SosCopyResult,
  remoteCopySigningString,
  type PrepareOutageItem,
  type PrepareOutageResponse,
} from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { resolveStoreId } from '../stores/store.service';
import { seesStore } from '../stores/store-scope';

export interface PrepareOutageOptions {
  /** Longest wait for a register to connect (an unreachable register costs at most this). */
  connectTimeoutMs: number;
  /** Longest wait for a register's verified copy to finish. */
  copyTimeoutMs: number;
}

export const DEFAULT_PREPARE_OUTAGE: PrepareOutageOptions = { connectTimeoutMs: 3_000, copyTimeoutMs: 180_000 };

/**
 * "Prepare for a planned outage": a verified full copy on every register of the store, at once.
 * Phases: check the store (and that a manager asks for their own store) → for each register, in
 * parallel, call `POST {advertisedUrl}/api/sync/sos-copy` signed with HMAC-SHA256 keyed by the
 * register's token hash (see protocol/sos-copy.ts) → one result per register: `ok` (counts,
 * checksum), `failed` (the register answered an error: copy refused, not enrolled…), `unreachable`
 * (no URL known, connection refused, no answer in time). Never throws for one register's failure.
 */
export async function prepareOutage(ctx: Ctx, storeId: string, opts: PrepareOutageOptions = DEFAULT_PREPARE_OUTAGE): Promise<PrepareOutageResponse> {
  const id = await resolveStoreId(ctx, storeId);
  const registers = await ctx.db
    .selectFrom('registers')
    .select(['id', 'name', 'enrolled_at', 'token_hash', 'advertised_url'])
    .where('store_id', '=', id)
    .orderBy('name')
    .orderBy('id')
    .execute();
  const agent = new Agent({ connect: { timeout: opts.connectTimeoutMs }, headersTimeout: opts.copyTimeoutMs, bodyTimeout: opts.copyTimeoutMs });
  try {
    const items = await Promise.all(registers.map((r) => copyOne(ctx, agent, r, opts)));
    ctx.log.info({ storeId: id, results: items.map((i) => `${i.name}: ${i.status}`) }, 'prepare-outage done');
    return { storeId: id, items, total: items.length, ok: items.filter((i) => i.status === 'ok').length };
  } finally {
    await agent.close().catch(() => {});
  }
}

/**
 * "Copy now" for one register (back office): the same signed call as prepare-outage, for one
 * register; the answer is that register's result item (ok / failed / unreachable).
 */
export async function copyRegisterNow(ctx: Ctx, registerId: string, opts: PrepareOutageOptions = DEFAULT_PREPARE_OUTAGE): Promise<PrepareOutageItem> {
  const r = await ctx.db
    .selectFrom('registers')
    .select(['id', 'name', 'store_id', 'enrolled_at', 'token_hash', 'advertised_url'])
    .where('id', '=', registerId)
    .executeTakeFirst();
  // Another store's register is answered as absent (store-scope.ts).
  if (!r || !seesStore(ctx, r.store_id)) throw new ComptoirError('NOT_FOUND', `No register ${registerId}`, { registerId });
  const agent = new Agent({ connect: { timeout: opts.connectTimeoutMs }, headersTimeout: opts.copyTimeoutMs, bodyTimeout: opts.copyTimeoutMs });
  try {
    const item = await copyOne(ctx, agent, r, opts);
    ctx.log.info({ registerId, status: item.status }, 'copy-now done');
    return item;
  } finally {
    await agent.close().catch(() => {});
  }
}

type RegisterTarget = { id: string; name: string; enrolled_at: string | null; token_hash: string | null; advertised_url: string | null };

async function copyOne(ctx: Ctx, agent: Agent, r: RegisterTarget, opts: PrepareOutageOptions): Promise<PrepareOutageItem> {
  const who = { registerId: r.id, name: r.name };
  if (!r.enrolled_at || !r.token_hash) return { ...who, status: 'failed', code: 'NOT_ENROLLED', reason: 'The register is not enrolled' };
  if (!r.advertised_url) return { ...who, status: 'unreachable', reason: 'The register has not reported its URL yet (no heartbeat seen)' };
  const timestamp = nowIso(ctx);
  const signature = createHmac('sha256', r.token_hash).update(remoteCopySigningString(r.id, timestamp)).digest('hex');
  let status: number;
  let text: string;
  try {
    const res = await request(new URL(REMOTE_COPY_PATH, r.advertised_url), {
      method: 'POST',
      headers: { 'x-comptoir-register': r.id, 'x-comptoir-timestamp': timestamp, 'x-comptoir-signature': signature },
      dispatcher: agent,
      signal: AbortSignal.timeout(opts.copyTimeoutMs),
    });
    status = res.statusCode;
    const answer = await cappedText(res.body, MAX_ANSWER_BYTES);
    if (answer === null) return { ...who, status: 'failed', code: `HTTP_${status}`, reason: `Answer over ${MAX_ANSWER_BYTES / 1024} KB: not read` };
    text = answer;
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string } };
    return { ...who, status: 'unreachable', reason: `${r.advertised_url}: ${err.code ?? err.cause?.code ?? err.name}: ${err.message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ...who, status: 'failed', code: `HTTP_${status}`, reason: `Answer is not JSON (status ${status})` };
  }
  if (status >= 200 && status < 300) {
    const ok = SosCopyResult.safeParse(json);
    if (!ok.success) return { ...who, status: 'failed', code: 'PROTOCOL', reason: 'Answer does not match the protocol' };
    const c = ok.data;
    return { ...who, status: 'ok', counts: c.counts, checksum: c.checksum, changeVersion: c.changeVersion, at: c.at, durationMs: c.durationMs };
  }
  // What a register answers is never shown: only a code of our own catalogue, in our own words.
  const err = ErrorBody.safeParse(json);
  const code = err.success && err.data.error.code in ERROR_CODES ? err.data.error.code : `HTTP_${status}`;
  return { ...who, status: 'failed', code, reason: `The register refused the copy (${code}, status ${status}); its log says why` };
}

/** A register's answer is a small JSON object: beyond `max` bytes it is not read (a register cannot flood central). */
const MAX_ANSWER_BYTES = 64 * 1024;

async function cappedText(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
