import { Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS, METRICS_PREFIX as P, observedCounter } from '@comptoir/metrics';
import { RegisterMode } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { receiptPrinterOf } from '../receipts/receipt-printer';
import type { AgentHandle } from '../sync/register-agent';

/**
 * A register's metrics (one register per process: the scrape target names it). Gauges are read at
 * each scrape from the agent's status and the local database; sale commit latency is observed by
 * the sale routes. No label carries a ticket number.
 */
export interface RegisterMetrics {
  /** Runs one sale or return commit (synchronous SQLite transaction) and observes how long it took. */
  commit<T>(kind: 'sale' | 'return', run: () => T): T;
}

export function registerMetrics(registry: Registry | null, ctx: RegisterContext, agent: AgentHandle): RegisterMetrics {
  if (!registry) return { commit: (_kind, run) => run() };
  const registers = [registry];
  const nowS = () => ctx.now().getTime() / 1000;
  const ageOf = (iso: string | null) => (iso === null ? Number.NaN : Math.max(0, nowS() - Date.parse(iso) / 1000));

  new Gauge({
    name: `${P}register_mode`,
    help: 'Link mode of the register: 1 for the current mode, 0 for the others',
    labelNames: ['mode'] as const,
    registers,
    collect() {
      const mode = agent.status().mode;
      for (const m of RegisterMode.options) this.set({ mode: m }, m === mode ? 1 : 0);
    },
  });
  new Gauge({
    name: `${P}register_pending_records`,
    help: 'Records in the outbox, not yet integrated by central',
    registers,
    collect() {
      this.set(ctx.q.outboxCount.get()!.n);
    },
  });
  new Gauge({
    name: `${P}register_outbox_age_seconds`,
    help: 'Age of the oldest record waiting in the outbox (0 when empty)',
    registers,
    collect() {
      const row = ctx.sqlite
        .prepare('SELECT min(r.recorded_at) AS oldest FROM outbox o JOIN records r ON r.chain = o.chain AND r.number = o.number')
        .get() as { oldest: string | null };
      this.set(row.oldest === null ? 0 : ageOf(row.oldest));
    },
  });
  new Gauge({
    name: `${P}register_sos_copy_age_seconds`,
    help: 'Seconds since the last full SOS copy (NaN before the first one)',
    registers,
    collect() {
      this.set(ageOf(agent.status().lastSosCopyAt));
    },
  });
  new Gauge({
    name: `${P}register_blocked_chains`,
    help: 'Chains whose push is stopped (tamper alert at central): each one needs an answer',
    registers,
    collect() {
      this.set(agent.status().blockedChains.length);
    },
  });
  observedCounter(registry, `${P}printer_failures_total`, 'Receipts that did not reach the printer (each stays reprintable)', () => receiptPrinterOf(ctx)?.failures ?? 0);
  const commit = new Histogram({
    name: `${P}sale_commit_duration_seconds`,
    help: 'Time to price, sign and commit a sale or return (the one SQLite transaction), by kind',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  for (const kind of ['sale', 'return']) commit.zero({ kind });
  return {
    commit(kind, run) {
      const end = commit.startTimer({ kind });
      const out = run();
      end();
      return out;
    },
  };
}
