import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { errorAnswer } from '@comptoir/http';
import type { PushResponse } from '@comptoir/protocol';
import { LATENCY_BUCKETS, METRICS_PREFIX as P } from '@comptoir/metrics';
import type { Ctx } from '../../context';
import { fleetView } from '../fleet/fleet-view.service';

/**
 * Central's metrics. Fleet gauges are read from the database at each scrape (the fleet view's own
 * reading: the mode shown, silence inferred from the last heartbeat); ingest counters and latency are
 * counted by the push route as it answers. Labels: register ids and store ids (bounded by the fleet),
 * modes, chains, error codes — never ticket numbers.
 */
export interface CentralMetrics {
  /** Runs one push and counts its outcome (integrated, replayed, refused by reason) and latency. */
  push(recordCount: number, run: () => Promise<PushResponse>): Promise<PushResponse>;
}

const NO_METRICS: CentralMetrics = { push: (_n, run) => run() };

export function centralMetrics(registry: Registry | null, baseCtx: () => Ctx): CentralMetrics {
  if (!registry) return NO_METRICS;
  const registers = [registry];
  // One reading of the fleet per scrape, shared by the gauges (prom-client collects them together).
  let reading: ReturnType<typeof fleetView> | null = null;
  const fleet = () => (reading ??= fleetView(baseCtx(), undefined).finally(() => (reading = null)));

  new Gauge({
    name: `${P}registers`,
    help: 'Registers by mode as the fleet view shows it (silent ones count as autonomous; never seen = unknown)',
    labelNames: ['mode'] as const,
    registers,
    async collect() {
      const { items } = await fleet();
      this.reset();
      for (const mode of ['connected', 'autonomous', 'reintegrating', 'unknown']) this.set({ mode }, 0);
      for (const r of items) this.inc({ mode: r.shownMode ?? 'unknown' });
    },
  });
  const perRegister = (name: string, help: string, value: (r: Awaited<ReturnType<typeof fleet>>['items'][number]) => number | null) =>
    new Gauge({
      name: `${P}${name}`,
      help,
      labelNames: ['register', 'store'] as const,
      registers,
      async collect() {
        const { items } = await fleet();
        this.reset();
        for (const r of items) {
          const v = value(r);
          if (v !== null) this.set({ register: r.id, store: r.storeId }, v);
        }
      },
    });
  perRegister('register_heartbeat_age_seconds', 'Seconds since the register last sent a heartbeat', (r) => (r.silentForMs === null ? null : r.silentForMs / 1000));
  perRegister('register_pending_records', 'Records waiting in the register outbox, as last reported', (r) => (r.lastSeenAt ? r.pendingRecords : null));
  perRegister('register_sos_copy_age_seconds', 'Seconds since the register last made a full SOS copy', (r) => (r.copyAgeMs === null ? null : r.copyAgeMs / 1000));

  new Gauge({
    name: `${P}register_versions`,
    help: 'Registers heard from, by software and sync protocol version (more than one series = mixed versions)',
    labelNames: ['software_version', 'protocol_version'] as const,
    registers,
    async collect() {
      const { versions } = await fleet();
      this.reset();
      for (const v of versions ?? []) this.set({ software_version: v.softwareVersion ?? 'unreported', protocol_version: String(v.protocolVersion) }, v.registers);
    },
  });

  new Gauge({
    name: `${P}tamper_alerts`,
    help: 'Tamper alerts recorded (stored count, by reason): any increase needs an answer',
    labelNames: ['reason'] as const,
    registers,
    async collect() {
      const rows = await baseCtx()
        .db.selectFrom('tamper_alerts')
        .select((eb) => ['reason', eb.fn.countAll<number>().as('n')])
        .groupBy('reason')
        .execute();
      this.reset();
      for (const reason of ['prev_mismatch', 'bad_signature', 'replay_signature_differs']) this.set({ reason }, 0);
      for (const r of rows) this.set({ reason: r.reason }, Number(r.n));
    },
  });

  const ingested = new Counter({ name: `${P}records_ingested_total`, help: 'Records integrated by pushes', registers });
  const replayed = new Counter({ name: `${P}records_replayed_total`, help: 'Records pushed again that central already held (harmless replays)', registers });
  const refused = new Counter({
    name: `${P}records_refused_total`,
    help: 'Records of refused pushes, by error code (CHAIN_GAP: resent from the expected number; TAMPER_ALERT: chain blocked)',
    labelNames: ['reason'] as const,
    registers,
  });
  const latency = new Histogram({
    name: `${P}ingest_duration_seconds`,
    help: 'Time to verify and integrate one push (any outcome)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  // Known outcomes start at 0, so rates and alerts see them before the first occurrence.
  for (const reason of ['CHAIN_GAP', 'TAMPER_ALERT', 'FOREIGN_RECORD', 'NOT_ENROLLED', 'VALIDATION']) refused.inc({ reason }, 0);
  for (const outcome of ['accepted', 'refused']) latency.zero({ outcome });

  return {
    async push(recordCount, run) {
      const end = latency.startTimer();
      try {
        const res = await run();
        ingested.inc(res.integrated);
        replayed.inc(res.replayed);
        end({ outcome: 'accepted' });
        return res;
      } catch (e) {
        const reason = errorAnswer(e).body.error.code;
        refused.inc({ reason }, Math.max(1, recordCount));
        end({ outcome: 'refused' });
        throw e;
      }
    },
  };
}
