import { Agent, request } from 'undici';
import type { z } from 'zod';
import { signPeerRequest } from '@comptoir/domain';
import { STORED_VALUE_KINDS, storedValueFromWire, storedValueSchema, type StoredValue, type StoredValueKind, ErrorBody, PROTOCOL_HEADER, type SpendCreditNoteRequest, PROTOCOL_VERSION, ReleaseReturnResponse, ReturnableTicket, type PeerReserveRequest, type StoreRegister } from '@comptoir/protocol';
import type { Identity } from '../context';

// Register → register calls on the shop's LAN (docs/architecture.md §17): this register asks the
// register that issued a ticket, signing each call with its own key (peer-auth.ts on the other
// side). Every call has a short hard deadline: the cashier waits for it.

/** Why a call to another register failed: `network` (no answer in time), `http` (it answered an error). */
export class PeerCallError extends Error {
  constructor(
    readonly kind: 'network' | 'http',
    message: string,
    readonly status = 0,
    readonly code = '',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PeerCallError';
  }
}

export class PeerClient {
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, connections: 2 });

  constructor(
    private readonly identity: () => Identity | null,
    private readonly timeoutMs = 3_000,
  ) {}

  ticket(peer: StoreRegister, number: number): Promise<ReturnableTicket> {
    return this.call(peer, 'GET', `/api/peer/tickets/${number}`, undefined, ReturnableTicket);
  }

  reserveReturn(peer: StoreRegister, body: PeerReserveRequest): Promise<ReturnableTicket> {
    return this.call(peer, 'POST', '/api/peer/returns', body, ReturnableTicket);
  }

  releaseReturn(peer: StoreRegister, reservationId: string): Promise<ReleaseReturnResponse> {
    return this.call(peer, 'DELETE', `/api/peer/returns/${reservationId}`, undefined, ReleaseReturnResponse);
  }

  async storedValue(kind: StoredValueKind, peer: StoreRegister, reference: string): Promise<StoredValue> {
    return storedValueFromWire(await this.call(peer, 'GET', `/api/peer/${STORED_VALUE_KINDS[kind].path}/${encodeURIComponent(reference)}`, undefined, storedValueSchema(kind)));
  }

  async spendStoredValue(kind: StoredValueKind, peer: StoreRegister, body: SpendCreditNoteRequest): Promise<StoredValue> {
    return storedValueFromWire(await this.call(peer, 'POST', `/api/peer/${STORED_VALUE_KINDS[kind].path}/spend`, body, storedValueSchema(kind)));
  }

  releaseStoredValue(kind: StoredValueKind, peer: StoreRegister, reservationId: string): Promise<ReleaseReturnResponse> {
    return this.call(peer, 'DELETE', `/api/peer/${STORED_VALUE_KINDS[kind].path}/spend/${reservationId}`, undefined, ReleaseReturnResponse);
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async call<S extends z.ZodType>(peer: StoreRegister, method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const me = this.identity();
    if (!me) throw new PeerCallError('http', 'This register is not enrolled', 409, 'NOT_ENROLLED');
    if (!peer.url) throw new PeerCallError('network', `Register ${peer.name} has no known address`);
    const timestamp = new Date().toISOString();
    const signature = signPeerRequest(me.privateKey, { method, path, from: me.registerId, to: peer.registerId, timestamp, body });
    const headers: Record<string, string> = {
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      'x-comptoir-peer': me.registerId,
      'x-comptoir-timestamp': timestamp,
      'x-comptoir-key-id': me.keyId,
      'x-comptoir-peer-signature': signature,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const res = await request(new URL(path, peer.url), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      throw new PeerCallError('network', `${method} ${peer.name} ${path}: ${(e as Error).message || String(e)}`);
    }
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : undefined;
    } catch {
      throw new PeerCallError('network', `${method} ${peer.name} ${path}: answer is not JSON (status ${status})`, status);
    }
    if (status < 200 || status >= 300) {
      const err = ErrorBody.safeParse(json);
      const e = err.success ? err.data.error : { code: `HTTP_${status}`, message: `status ${status}`, details: {} };
      throw new PeerCallError('http', e.message, status, e.code, e.details ?? {});
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new PeerCallError('http', `${method} ${peer.name} ${path}: answer does not match the protocol`, status, 'PROTOCOL');
    return parsed.data;
  }
}
