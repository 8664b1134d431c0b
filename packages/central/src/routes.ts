import type { FastifyRequest } from 'fastify';
import type { Ctx } from './context';
import type { CentralMetrics } from './modules/system/central-metrics.service';
import type { AdmissionGate } from './modules/sync/admission';

/** What every route module receives: how to build the ctx of a request, and the app's settings. */
export interface RouteDeps {
  ctxOf(request: FastifyRequest): Ctx;
  heartbeatIntervalMs: number;
  /** Floor of a copy schedule: no expression may fire more often (`--min-sos-interval`, default 900). */
  minSosIntervalSeconds: number;
  /** Lifetime of a one-time enrolment code (`--enrol-code-ttl`, default 24 h). */
  enrolCodeTtlSeconds: number;
  /** Recent documents per customer in the SOS copy (default 10). */
  sosDocumentsPerCustomer?: number;
  /** Ingest counters and latency (a no-op when metrics are disabled). */
  metrics: CentralMetrics;
  /** Admission control of the push and copy paths (503 CENTRAL_BUSY + Retry-After when full). */
  admission: { push: AdmissionGate; copy: AdmissionGate };
}
