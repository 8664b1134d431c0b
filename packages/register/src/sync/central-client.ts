import { Agent, request } from 'undici';
import type { z } from 'zod';
import {
  ARCHIVE_FILE_TYPE,
  ArchiveFileReceipt,
  COPY_WITH,
  ChangesResponse,
  EnrolResponse,
  ErrorBody,
  HeartbeatResponse,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PushResponse,
  ReleaseReturnResponse,
  ReturnableTicket,
  ReturnedUnitsResponse,
  StoreRegistersResponse,
  STORED_VALUE_KINDS,
  storedValueFromWire,
  storedValueSchema,
  type StoredValue,
  type StoredValueKind,
  TillCustomersAnswer,
  type TillCustomersPush,
  type SpendCreditNoteRequest,
  type EnrolRequest,
  type ReserveReturnRequest,
  type HeartbeatRequest,
  type PushRequest,
} from '@comptoir/protocol';

/**
 * Why a call to central failed. `network`: no answer in time (refused, reset, black hole, timeout,
 * unparsable answer) — counts against the link. `http`: central answered with an error body;
 * `retryAfterMs` is its `Retry-After` (null when absent).
 */
export class CentralCallError extends Error {
  constructor(
    readonly kind: 'network' | 'http',
    message: string,
    readonly status = 0,
    readonly code = '',
    readonly details: Record<string, unknown> = {},
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CentralCallError';
  }
}

/**
 * "Central alive, come back later": a 429 or 503 answer carrying `Retry-After` (central's admission
 * control when saturated). Returns how long to wait (ms), or null when `e` is anything else. Such an
 * answer proves the link is up: it is never a link failure.
 */
export function centralBusyFor(e: unknown): number | null {
  if (!(e instanceof CentralCallError) || e.kind !== 'http' || (e.status !== 429 && e.status !== 503)) return null;
  return e.retryAfterMs;
}

/** `Retry-After` as delta-seconds or an HTTP date → ms (null when absent or unreadable). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A body sent as it is, not as JSON (an archive file). */
class RawBody {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

export interface CentralClientOptions {
  baseUrl: string;
  token?: string | null;
  /** Deadline of short calls (heartbeat): connection + headers + body, in total. */
  requestTimeoutMs: number;
  /** Sync protocol spoken (default the current one; 1 sends no header, as releases before versions did). */
  protocolVersion?: number;
}

/**
 * HTTP client of the central sync API. Every body goes through its protocol schema both ways.
 * Invariant: every call has a hard total deadline (AbortSignal.timeout) on top of undici's
 * connect/headers/body timeouts, so a black hole (connection accepted, nothing answered) fails as
 * surely as a refused connection, and a timed-out request destroys its socket (no keep-alive socket
 * hangs forever). Idle keep-alive sockets are dropped after a few seconds.
 */
export class CentralClient {
  private readonly agent: Agent;
  /** Headers every call carries: the protocol spoken. */
  private readonly protocolHeaders: Record<string, string>;
  token: string | null;

  constructor(private readonly opts: CentralClientOptions) {
    this.token = opts.token ?? null;
    const protocol = opts.protocolVersion ?? PROTOCOL_VERSION;
    this.protocolHeaders = protocol === 1 ? {} : { [PROTOCOL_HEADER]: String(protocol) };
    this.agent = new Agent({
      connect: { timeout: opts.requestTimeoutMs },
      headersTimeout: opts.requestTimeoutMs,
      bodyTimeout: opts.requestTimeoutMs,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 10_000,
      connections: 4,
    });
  }

  enrol(body: EnrolRequest): Promise<EnrolResponse> {
    return this.call('POST', '/api/registers/enrol', body, EnrolResponse, this.opts.requestTimeoutMs * 10, false);
  }

  heartbeat(body: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.call('POST', '/api/sync/heartbeat', body, HeartbeatResponse, this.opts.requestTimeoutMs);
  }

  /** A batch may take central a while to verify and apply: a longer deadline than the heartbeat. */
  push(body: PushRequest): Promise<PushResponse> {
    return this.call('POST', '/api/sync/push', body, PushResponse, Math.max(this.opts.requestTimeoutMs * 4, 3_000));
  }

  /** Customers created at this till; central integrates them by id (a replay answers the same). */
  pushCustomers(body: TillCustomersPush): Promise<TillCustomersAnswer> {
    return this.call('POST', '/api/sync/customers', body, TillCustomersAnswer, Math.max(this.opts.requestTimeoutMs * 4, 3_000));
  }

  /**
   * The streamed full copy (NDJSON, manifest last). Resolves once the headers are in (an error
   * status throws here, like any call); the body is then read by the caller, chunk by chunk, under
   * an idle deadline between chunks and a total deadline.
   */
  async snapshotStream(totalMs = 300_000, idleMs = 15_000): Promise<AsyncIterable<Buffer>> {
    // `with=references,till,open-price,meal-voucher-eligible`: the store line carries the store code and its registers (ticket
    // references) and the meal-voucher cap; the payment methods include meal vouchers; open-price items their cap;
    // items meal vouchers may not pay for say so.
    const path = `/api/sync/snapshot/stream?with=${COPY_WITH}`;
    let res;
    try {
      res = await request(new URL(path, this.opts.baseUrl), {
        method: 'GET',
        headers: { ...this.protocolHeaders, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(totalMs),
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
      });
    } catch (e) {
      throw new CentralCallError('network', `GET ${path}: ${(e as Error).message || String(e)}`);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const err = ErrorBody.safeParse(json);
      const e = err.success ? err.data.error : { code: 'HTTP_' + res.statusCode, message: text.slice(0, 200), details: {} };
      throw new CentralCallError('http', `GET ${path}: ${res.statusCode} ${e.code}: ${e.message}`, res.statusCode, e.code, e.details ?? {}, parseRetryAfter(res.headers['retry-after']));
    }
    return res.body as AsyncIterable<Buffer>;
  }

  /** Opens the change-events stream (SSE push hint); the caller reads and closes it. */
  async events(): Promise<{ body: AsyncIterable<Buffer>; close(): void }> {
    const ac = new AbortController();
    const res = await request(new URL('/api/sync/events', this.opts.baseUrl), {
      method: 'GET',
      headers: { ...this.protocolHeaders, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), accept: 'text/event-stream' },
      dispatcher: this.agent,
      signal: ac.signal,
      headersTimeout: this.opts.requestTimeoutMs * 4,
      // Keep-alive comments arrive every 15 s: silence beyond that means the stream is dead.
      bodyTimeout: 40_000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => {});
      throw new CentralCallError('http', `GET /api/sync/events: ${res.statusCode}`, res.statusCode, '', {}, parseRetryAfter(res.headers['retry-after']));
    }
    return { body: res.body as AsyncIterable<Buffer>, close: () => ac.abort() };
  }

  /** A ticket of any register of the store, with what was returned of it (returns at any register). */
  storeTicket(registerId: string, number: number): Promise<ReturnableTicket> {
    return this.call('GET', `/api/sync/tickets/${encodeURIComponent(registerId)}/${number}`, undefined, ReturnableTicket, Math.max(this.opts.requestTimeoutMs * 2, 2_000));
  }

  /** Reserves units of a store ticket for a return (central refuses 409 RETURN_ALREADY_REFUNDED if another till has them). */
  reserveReturn(body: ReserveReturnRequest): Promise<ReturnableTicket> {
    return this.call('POST', '/api/sync/returns', body, ReturnableTicket, Math.max(this.opts.requestTimeoutMs * 2, 2_000));
  }

  releaseReturn(reservationId: string): Promise<ReleaseReturnResponse> {
    return this.call('DELETE', `/api/sync/returns/${reservationId}`, undefined, ReleaseReturnResponse, Math.max(this.opts.requestTimeoutMs * 2, 2_000));
  }

  /** The other registers of the store: where they listen and their keys (returns over the LAN while central is down). */
  storeRegisters(): Promise<StoreRegistersResponse> {
    return this.call('GET', '/api/sync/store-registers', undefined, StoreRegistersResponse, Math.max(this.opts.requestTimeoutMs * 2, 2_000));
  }

  /** Units of this register's tickets other registers returned through central since `since`. */
  returnedUnits(since: string | null): Promise<ReturnedUnitsResponse> {
    const q = since ? `?since=${encodeURIComponent(since)}` : '';
    return this.call('GET', `/api/sync/returned-units${q}`, undefined, ReturnedUnitsResponse, Math.max(this.opts.requestTimeoutMs * 4, 3_000));
  }

  /** An avoir or a gift card with what is left of it (`/api/sync/credit-notes/…`, `/api/sync/gift-cards/…`). */
  async storedValue(kind: StoredValueKind, reference: string): Promise<StoredValue> {
    const path = `/api/sync/${STORED_VALUE_KINDS[kind].path}/${encodeURIComponent(reference)}`;
    return storedValueFromWire(await this.call('GET', path, undefined, storedValueSchema(kind), Math.max(this.opts.requestTimeoutMs * 2, 2_000)));
  }

  /** Reserves part or all of an avoir or a gift card for a sale (central refuses 409 CREDIT_NOTE_SPENT / GIFT_CARD_SPENT beyond what is left). */
  async reserveStoredValue(kind: StoredValueKind, body: SpendCreditNoteRequest): Promise<StoredValue> {
    return storedValueFromWire(await this.call('POST', `/api/sync/${STORED_VALUE_KINDS[kind].path}/spend`, body, storedValueSchema(kind), Math.max(this.opts.requestTimeoutMs * 2, 2_000)));
  }

  releaseStoredValue(kind: StoredValueKind, reservationId: string): Promise<ReleaseReturnResponse> {
    return this.call('DELETE', `/api/sync/${STORED_VALUE_KINDS[kind].path}/spend/${reservationId}`, undefined, ReleaseReturnResponse, Math.max(this.opts.requestTimeoutMs * 2, 2_000));
  }

  /** An archive file, as written (its bytes, NDJSON): central keeps it once its archive record is integrated. Big files: a long deadline. */
  sendArchiveFile(number: number, bytes: Uint8Array): Promise<ArchiveFileReceipt> {
    return this.call('PUT', `/api/sync/archives/${number}/file`, new RawBody(bytes, ARCHIVE_FILE_TYPE), ArchiveFileReceipt, Math.max(this.opts.requestTimeoutMs * 20, 60_000), true, Math.max(this.opts.requestTimeoutMs * 4, 10_000));
  }

  changes(since: number): Promise<ChangesResponse> {
    return this.call('GET', `/api/sync/changes?since=${since}&with=${COPY_WITH}`, undefined, ChangesResponse, 30_000, true, 10_000);
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    schema: S,
    timeoutMs: number,
    auth = true,
    /** Longest wait for the headers, or between two chunks of the body (default: the whole deadline). */
    idleMs = timeoutMs,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { ...this.protocolHeaders };
    if (body !== undefined) headers['content-type'] = body instanceof RawBody ? body.contentType : 'application/json';
    if (auth && this.token) headers.authorization = `Bearer ${this.token}`;
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await request(new URL(path, this.opts.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : body instanceof RawBody ? body.bytes : JSON.stringify(body),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (e) {
      throw new CentralCallError('network', `${method} ${path}: ${(e as Error).message || String(e)}`);
    }
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's or load balancer's own "busy" page still says central is there: keep its Retry-After.
      const wait = parseRetryAfter(retryAfter);
      if ((status === 429 || status === 503) && wait !== null) {
        throw new CentralCallError('http', `${method} ${path}: ${status} busy`, status, 'HTTP_' + status, {}, wait);
      }
      throw new CentralCallError('network', `${method} ${path}: answer is not JSON (status ${status})`, status);
    }
    if (status < 200 || status >= 300) {
      const err = ErrorBody.safeParse(json);
      const e = err.success ? err.data.error : { code: 'HTTP_' + status, message: text.slice(0, 200), details: {} };
      throw new CentralCallError('http', `${method} ${path}: ${status} ${e.code}: ${e.message}`, status, e.code, e.details ?? {}, parseRetryAfter(retryAfter));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CentralCallError('http', `${method} ${path}: answer does not match the protocol: ${parsed.error.message}`, status, 'PROTOCOL');
    }
    return parsed.data;
  }
}
