import { addRegisterKey, registerKeys, retireRegisterKeys } from './register-keys.service';
import { lockHeads } from '../sync/ingest.repository';
import { randomUUID, createPublicKey } from 'node:crypto';
import { Cron } from 'croner';
import {
  CHAINS,
  ComptoirError,
  type CreateRegisterRequest,
  type EnrolRequest,
  type EnrolResponse,
  type FleetRegister,
} from '@comptoir/protocol';
import { GENESIS_SIGNATURE, keyIdOf } from '@comptoir/domain';
import { nowIso, type Ctx } from '../../context';
import { currentChangeVersion, nextChangeVersion } from '../../db/change-version';
import { newEnrolCode, newToken, sha256Hex } from '../auth/password';
import { attemptFailed, attemptSucceeded, beginAttempt } from '../auth/login-throttle.service';
import { resolveStoreId } from '../stores/store.service';
import { adminAdvertisedUrl } from './advertised-url';
import { assertRegisterInScope } from '../stores/store-scope';
import {
  consumeEnrolCode,
  findFleetRow,
  findRegister,
  insertRegister,
  listFleet,
  updateRegister,
  type FleetRow,
} from './register.repository';

/** A register not heard from for longer than this is shown offline in the fleet view. */
export const ONLINE_WINDOW_MS = 5000;

type CreateRegisterResult = { id: string; enrolCode: string; enrolCodeExpiresAt: string };

/** Default lifetime of a one-time enrolment code (`--enrol-code-ttl`). */
export const DEFAULT_ENROL_CODE_TTL_SECONDS = 24 * 3600;

export async function createRegister(ctx: Ctx, req: CreateRegisterRequest, codeTtlSeconds: number): Promise<CreateRegisterResult> {
  const storeId = await resolveStoreId(ctx, req.storeId);
  const id = randomUUID();
  const enrolCode = newEnrolCode();
  const enrolCodeExpiresAt = new Date(ctx.clock().getTime() + codeTtlSeconds * 1000).toISOString();
  await insertRegister(ctx, { id, storeId, name: req.name, enrolCodeHash: sha256Hex(enrolCode), enrolCodeExpiresAt, createdAt: nowIso(ctx) });
  return { id, enrolCode, enrolCodeExpiresAt };
}

/**
 * A new one-time code for a register (a replaced till enrols with it, under a new key; its chains
 * go on from central's heads). The previous pending code stops working; the current token keeps
 * working until the new till enrols (revoke first for a stolen till).
 */
export async function issueEnrolCode(ctx: Ctx, registerId: string, codeTtlSeconds: number): Promise<CreateRegisterResult> {
  const enrolCode = newEnrolCode();
  const enrolCodeExpiresAt = new Date(ctx.clock().getTime() + codeTtlSeconds * 1000).toISOString();
  const n = await updateRegister(ctx, registerId, { enrol_code_hash: sha256Hex(enrolCode), enrol_code_expires_at: enrolCodeExpiresAt });
  if (n === 0) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`, { registerId });
  return { id: registerId, enrolCode, enrolCodeExpiresAt };
}

/** Revocation (a stolen or retired till): its token answers 401 from now on, on every instance. */
export async function revokeRegister(ctx: Ctx, registerId: string): Promise<FleetRegister> {
  const reg = await findRegister(ctx, registerId);
  if (!reg) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`, { registerId });
  if (!reg.revoked_at) await updateRegister(ctx, registerId, { revoked_at: nowIso(ctx) });
  // Its cached token goes on every instance (a NOTIFY on PostgreSQL): the next request reads the revocation.
  await ctx.presence?.forgetRegister(ctx, registerId);
  ctx.log.warn({ registerId }, 'register revoked');
  const row = await findFleetRow(ctx, registerId);
  return toFleet(row!, ctx.clock().getTime(), await currentChangeVersion(ctx.db));
}

export async function listRegisters(ctx: Ctx): Promise<{ items: FleetRegister[]; total: number }> {
  const [rows, changeVersion] = await Promise.all([listFleet(ctx), currentChangeVersion(ctx.db)]);
  // listFleet is filtered to the caller's store(s) (store-scope.ts).
  const now = ctx.clock().getTime();
  // States and last-seen times this instance has not flushed yet are newer than the rows' (modules/fleet/presence.ts).
  const items = rows.map((r) => toFleet(withUnwritten(ctx, r), now, changeVersion));
  return { items, total: items.length };
}

function withUnwritten<R extends { id: string; last_seen_at: string | null }>(ctx: Ctx, r: R): R {
  const unwritten = ctx.presence?.unwrittenOf(r.id);
  // A tie goes to the unwritten state: it was queued after what this instance wrote at that same
  // instant (two heartbeats within one millisecond, or a frozen clock), so it is the newer one.
  if (!unwritten || (r.last_seen_at !== null && unwritten.lastSeenAt < r.last_seen_at)) return r;
  return { ...r, ...unwritten.columns, last_seen_at: unwritten.lastSeenAt };
}

/**
 * Enrolment: the one-time code is the credential. Phases: validate the public key (EC P-256 SPKI),
 * consume the code (single use, even under concurrent calls), create the register's chain heads at
 * genesis, hand out the register's bearer token (stored as sha256 only).
 */
export async function enrolRegister(ctx: Ctx, req: EnrolRequest, address: string | undefined): Promise<EnrolResponse> {
  assertP256PublicKey(req.publicKeyPem);
  // Only wrong codes count, per client address (a store's tills enrol through one NAT address):
  // after 5 in a row the address is locked (429, even for a right code) with a growing back-off.
  const attempt = address ? await beginAttempt(ctx, [`enrol:${address}`], { provisional: false }) : null;
  try {
    const enrolled = await consumeCodeAndEnrol(ctx, req);
    // A re-enrolled till has a new token and maybe new heads: every instance forgets the old ones.
    await ctx.presence?.forgetRegister(ctx, enrolled.registerId);
    if (attempt) await attemptSucceeded(ctx, attempt);
    return enrolled;
  } catch (e) {
    if (attempt && e instanceof ComptoirError && e.code === 'ENROL_CODE_INVALID') await attemptFailed(ctx, attempt);
    throw e;
  }
}

async function consumeCodeAndEnrol(ctx: Ctx, req: EnrolRequest): Promise<EnrolResponse> {
  const token = newToken('cr');
  const at = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const tctx = { ...ctx, db: trx };
    const id = await consumeEnrolCode(tctx, sha256Hex(req.enrolCode.trim().toUpperCase()), {
      enrolledAt: at,
      publicKeyPem: req.publicKeyPem,
      tokenHash: sha256Hex(token),
    });
    if (!id) throw new ComptoirError('ENROL_CODE_INVALID', 'Unknown, expired or already used enrolment code');
    // A replaced till: its chains continue from central's heads under the new key; the old key
    // is retired at those heads (records it signs past them are refused as key_not_valid).
    const newKeyId = keyIdOf(req.publicKeyPem);
    const previous = (await registerKeys(tctx, id)).filter((k) => !k.endAt && k.keyId !== newKeyId);
    let continueFrom: EnrolResponse['continueFrom'];
    if (previous.length > 0) {
      const heads = await lockHeads(tctx, id);
      const startAfter = Object.fromEntries([...heads].map(([chain, h]) => [chain, h.number]));
      await retireRegisterKeys(tctx, id, startAfter, at);
      await addRegisterKey(tctx, id, req.publicKeyPem, at, startAfter);
      const held = [...heads].filter(([, h]) => h.number > 0);
      const times: { recorded_at: string }[] = [];
      for (const [chain, h] of held) {
        times.push(await trx.selectFrom('records').select('recorded_at').where('register_id', '=', id).where('chain', '=', chain).where('number', '=', h.number).executeTakeFirstOrThrow());
      }
      continueFrom = {
        previousKeyId: previous[previous.length - 1]!.keyId,
        heads: held.map(([chain, h], i) => ({ chain, number: h.number, signature: h.signature, recordedAt: times[i]!.recorded_at })),
      };
    } else {
      await addRegisterKey(tctx, id, req.publicKeyPem, at);
    }
    const reg = await findRegister(tctx, id);
    if (!reg) throw new ComptoirError('INTERNAL', 'register vanished during enrolment');
    return { registerId: id, registerName: reg.name, storeId: reg.store_id, token, ...(continueFrom ? { continueFrom } : {}) };
  });
}

function assertP256PublicKey(pem: string): void {
  let ok = false;
  try {
    const key = createPublicKey({ key: pem, format: 'pem', type: 'spki' });
    ok = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ComptoirError('VALIDATION', 'publicKeyPem must be an EC P-256 public key (SPKI PEM)', {
      issues: [{ path: 'publicKeyPem', message: 'not an EC P-256 SPKI public key' }],
    });
  }
}

/** Default floor of a copy schedule: no expression may fire more often than every 15 minutes. */
export const DEFAULT_MIN_SOS_INTERVAL_SECONDS = 900;

/** Runs sampled to find an expression's shortest gap (cron fields are a product: a burst shows at once). */
const SAMPLED_RUNS = 500;

/**
 * Remote configuration of the SOS copy schedule. Every expression is checked with croner (6-field
 * expressions with seconds allowed) and must not fire more often than `minIntervalSeconds` (a full
 * copy is heavy: `* * * * * *` would copy every second); the change version is bumped so registers
 * see a change.
 */
export async function setSosSchedule(ctx: Ctx, registerId: string, cron: string[], minIntervalSeconds: number): Promise<FleetRegister> {
  const invalid: { index: number; expression: string; reason: string }[] = [];
  cron.forEach((expression, index) => {
    const reason = scheduleProblem(expression, ctx.clock(), minIntervalSeconds);
    if (reason) invalid.push({ index, expression, reason });
  });
  if (invalid.length > 0) {
    const first = invalid[0]!;
    throw new ComptoirError('VALIDATION', `Invalid cron expression "${first.expression}": ${first.reason}`, { invalid, minIntervalSeconds });
  }
  await assertRegisterInScope(ctx, registerId);
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const tctx = { ...ctx, db: trx };
    const n = await updateRegister(tctx, registerId, { sos_schedule: JSON.stringify(cron) });
    if (n === 0) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`, { registerId });
    await nextChangeVersion(trx);
    const row = await findFleetRow(tctx, registerId);
    return toFleet(row!, ctx.clock().getTime(), await currentChangeVersion(trx));
  });
  // Committed: the next heartbeat answers the new schedule, whichever instance it reaches.
  await ctx.presence?.forgetRegister(ctx, registerId);
  return updated;
}

/** An admin sets where central reaches a register (a name, a till behind a NAT); null gives it back to the heartbeats. */
export async function setAdvertisedUrl(ctx: Ctx, registerId: string, url: string | null): Promise<FleetRegister> {
  const n = await updateRegister(ctx, registerId, { advertised_url: adminAdvertisedUrl(url) });
  if (n === 0) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`, { registerId });
  // Given back to the heartbeats (null): the next one writes its URL even if nothing else changed.
  await ctx.presence?.forgetRegister(ctx, registerId);
  const row = await findFleetRow(ctx, registerId);
  return toFleet(row!, ctx.clock().getTime(), await currentChangeVersion(ctx.db));
}

/** Why an expression is refused (unparsable, or firing more often than the floor), or null. */
function scheduleProblem(expression: string, from: Date, minIntervalSeconds: number): string | null {
  let job: Cron;
  try {
    job = new Cron(expression, { paused: true });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const runs = job.nextRuns(SAMPLED_RUNS, from).map((d) => d.getTime());
  let shortestMs = Infinity;
  for (let i = 1; i < runs.length; i++) shortestMs = Math.min(shortestMs, runs[i]! - runs[i - 1]!);
  if (shortestMs < minIntervalSeconds * 1000) {
    return `fires every ${Math.round(shortestMs / 1000)} s; a copy schedule may fire at most once every ${minIntervalSeconds} s (--min-sos-interval)`;
  }
  return null;
}

function parseCounts(json: string | null): Record<string, number> | null {
  if (!json) return null;
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' ? (v as Record<string, number>) : null;
  } catch {
    return null;
  }
}

export function parseSchedule(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function toFleet(r: FleetRow, nowMs: number, changeVersion: number): FleetRegister {
  const lastSeen = r.last_seen_at;
  return {
    id: r.id,
    name: r.name,
    storeId: r.store_id,
    enrolled: r.enrolled_at !== null,
    mode: (r.mode as FleetRegister['mode']) ?? null,
    online: lastSeen !== null && nowMs - Date.parse(lastSeen) <= ONLINE_WINDOW_MS,
    lastSeenAt: lastSeen,
    autonomousSince: r.autonomous_since,
    pendingRecords: Number(r.pending_records),
    pendingCustomers: r.pending_customers === null ? null : Number(r.pending_customers),
    lastSosCopyAt: r.last_sos_copy_at,
    lastSosCopyKind: (r.last_sos_copy_kind as FleetRegister['lastSosCopyKind']) ?? null,
    sosChecksum: r.sos_checksum,
    sosSchedule: parseSchedule(r.sos_schedule),
    tamperAlerts: Number(r.tamper_alerts ?? 0),
    sosCounts: parseCounts(r.sos_counts),
    changeVersionLag: r.last_seen_at === null ? null : Math.max(0, changeVersion - Number(r.change_version_seen)),
    nextSosCopyAt: r.next_sos_copy_at,
    advertisedUrl: r.advertised_url,
    softwareVersion: r.software_version,
    protocolVersion: r.protocol_version === null ? null : Number(r.protocol_version),
    revokedAt: r.revoked_at,
    enrolCodeExpiresAt: r.enrol_code_expires_at,
  };
}
