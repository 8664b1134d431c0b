import { Agent } from 'undici';
import {
  ComptoirError,
  REMOTE_COPY_PATH,
  SosCopyResult,
  remoteCopySigningString,
  type PrepareOutageItem,
  type PrepareOutageResponse,
} from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { callRegister, registerErrorCode, type RegisterTarget as BaseTarget } from '../registers/register-call';
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
 * register's token hash (registers/register-call.ts, protocol/sos-copy.ts) → one result per register: `ok` (counts,
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

type RegisterTarget = BaseTarget & { name: string; enrolled_at: string | null };

async function copyOne(ctx: Ctx, agent: Agent, r: RegisterTarget, opts: PrepareOutageOptions): Promise<PrepareOutageItem> {
  const who = { registerId: r.id, name: r.name };
  if (!r.enrolled_at || !r.token_hash) return { ...who, status: 'failed', code: 'NOT_ENROLLED', reason: 'The register is not enrolled' };
  const answer = await callRegister(ctx, agent, { ...r, token_hash: r.token_hash }, REMOTE_COPY_PATH, remoteCopySigningString, { timeoutMs: opts.copyTimeoutMs });
  if (answer.kind === 'unreachable') return { ...who, status: 'unreachable', reason: answer.reason };
  if (answer.kind === 'unreadable') return { ...who, status: 'failed', code: `HTTP_${answer.status}`, reason: answer.reason };
  const { status, json } = answer;
  if (status >= 200 && status < 300) {
    const ok = SosCopyResult.safeParse(json);
    if (!ok.success) return { ...who, status: 'failed', code: 'PROTOCOL', reason: 'Answer does not match the protocol' };
    const c = ok.data;
    return { ...who, status: 'ok', counts: c.counts, checksum: c.checksum, changeVersion: c.changeVersion, at: c.at, durationMs: c.durationMs };
  }
  // What a register answers is never shown: only a code of our own catalogue, in our own words.
  const code = registerErrorCode(status, json);
  return { ...who, status: 'failed', code, reason: `The register refused the copy (${code}, status ${status}); its log says why` };
}
