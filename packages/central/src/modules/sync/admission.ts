import type { FastifyReply, FastifyRequest } from 'fastify';
import { ComptoirError } from '@comptoir/protocol';

/** In-flight bounds of the heavy sync paths, per central instance (docs/architecture.md §10). */
export interface AdmissionLimits {
  /** Pushes (`POST /api/sync/push`) verified and applied at once; default 32. */
  pushes: number;
  /** Copies and change pulls (`/api/sync/snapshot*`, `/api/sync/changes`) served at once; default 16. */
  copies: number;
  /** `Retry-After` of a refused request, in seconds; default 1. */
  retryAfterSeconds: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { pushes: 32, copies: 16, retryAfterSeconds: 1 };

/**
 * Admission control of one path: busy is not down. Phases of a request: admitted (counted in flight,
 * before its body is read) → answered or aborted (released once, when the response closes, streams
 * included). Invariants: never more than `limit` requests of the path in flight on this instance; a
 * request over the limit is refused at once — 503 CENTRAL_BUSY with `Retry-After`, before any body,
 * database or signature work — so a saturated central still answers quickly, and a register takes it
 * as "alive, come back later", never as a cut link.
 */
export class AdmissionGate {
  private inFlight = 0;
  refused = 0;

  constructor(
    readonly path: string,
    private readonly limit: number,
    private readonly retryAfterSeconds: number,
  ) {}

  /** A route `onRequest` hook: admits the request or refuses it with CENTRAL_BUSY. */
  readonly onRequest = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (this.inFlight >= this.limit) {
      this.refused++;
      throw new ComptoirError('CENTRAL_BUSY', `Central is busy (${this.path}): try again shortly`, { retryAfterSeconds: this.retryAfterSeconds });
    }
    this.inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
  };

  get current(): number {
    return this.inFlight;
  }
}
