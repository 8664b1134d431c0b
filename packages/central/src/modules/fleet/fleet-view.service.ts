import { OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION, type FleetResponse, type FleetView } from '@comptoir/protocol';
import { CENTRAL_SOFTWARE_VERSION } from '../system/software-version';
import type { Ctx } from '../../context';
import { listRegisters } from '../registers/register.service';

/**
 * A register not heard from for longer than this is shown `autonomous`: three missed heartbeats
 * (1 s each by default). Cut off from central, a register cannot report its own switch; docs/architecture.md §3
 * has it switch within ~2 s, so showing it autonomous after 3 s of silence tells the truth.
 */
export const SILENT_AFTER_MS = 3000;
/** Scheduled copies run twice a day by default: a copy older than a day deserves a warning. */
export const STALE_COPY_AFTER_MS = 24 * 3600 * 1000;

export interface LinkStates {
  list(): { registerId: string; up: boolean }[];
}

/** The fleet as the back office shows it: reported state + what central infers from silence. */
export async function fleetView(ctx: Ctx, links: LinkStates | undefined): Promise<FleetResponse> {
  const { items } = await listRegisters(ctx);
  const now = ctx.clock().getTime();
  const linkUp = new Map((links?.list() ?? []).map((l) => [l.registerId, l.up]));
  const out: FleetView[] = items.map((r) => {
    const silentForMs = r.lastSeenAt ? Math.max(0, now - Date.parse(r.lastSeenAt)) : null;
    const silent = r.enrolled && silentForMs !== null && silentForMs > SILENT_AFTER_MS;
    const copyAgeMs = r.lastSosCopyAt ? Math.max(0, now - Date.parse(r.lastSosCopyAt)) : null;
    return {
      ...r,
      shownMode: silent ? 'autonomous' : r.mode,
      silent,
      silentForMs,
      copyAgeMs,
      copyStale: r.enrolled && (copyAgeMs === null || copyAgeMs > STALE_COPY_AFTER_MS),
      linkUp: linkUp.get(r.id) ?? null,
    };
  });
  // Versions the registers run (those heard from): more than one means a rollout is under way.
  const versions = new Map<string, { softwareVersion: string | null; protocolVersion: number; registers: number }>();
  for (const r of out) {
    if (r.protocolVersion === null || r.protocolVersion === undefined) continue;
    const key = `${r.softwareVersion ?? ''}|${r.protocolVersion}`;
    const v = versions.get(key) ?? { softwareVersion: r.softwareVersion ?? null, protocolVersion: r.protocolVersion, registers: 0 };
    v.registers++;
    versions.set(key, v);
  }
  return {
    items: out,
    total: out.length,
    central: { softwareVersion: CENTRAL_SOFTWARE_VERSION, protocolVersion: PROTOCOL_VERSION, oldestProtocolVersion: OLDEST_PROTOCOL_VERSION },
    versions: [...versions.values()].sort((a, b) => b.registers - a.registers),
    mixedVersions: versions.size > 1,
    serverTime: new Date(now).toISOString(),
    silentAfterMs: SILENT_AFTER_MS,
    staleCopyAfterMs: STALE_COPY_AFTER_MS,
    demo: links !== undefined,
  };
}
