import type { KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { StoredValue, StoredValueKind, SpendCreditNoteRequest, PeerReserveRequest, RegisterMode, ReleaseReturnResponse, ReserveReturnRequest, ReturnableTicket, StoreRegister } from '@comptoir/protocol';
import type { RegisterDatabase } from './db/schema';
import { prepareStatements, type Statements } from './db/statements';

/** Who the register is, once enrolled. The private key is parsed once (signing is on the hot path). */
export interface Identity {
  registerId: string;
  registerName: string;
  storeId: string;
  token: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** keyIdOf(publicKey): named in every record it signs. */
  keyId: string;
}

/** Central's side of returns at any register of the store (the sync client; throws CentralCallError). */
export interface StoreReturnsCentral {
  storeTicket(registerId: string, number: number): Promise<ReturnableTicket>;
  reserveReturn(body: ReserveReturnRequest): Promise<ReturnableTicket>;
  releaseReturn(reservationId: string): Promise<{ released: number }>;
  /** Avoirs and gift cards (one mechanism, credit-notes/stored-value.service.ts). */
  storedValue(kind: StoredValueKind, reference: string): Promise<StoredValue>;
  reserveStoredValue(kind: StoredValueKind, body: SpendCreditNoteRequest): Promise<StoredValue>;
  releaseStoredValue(kind: StoredValueKind, reservationId: string): Promise<{ released: number }>;
}

/** Another register of the store, asked over the LAN while central is down (returns/peer-client.ts; throws PeerCallError). */
export interface StoreReturnsPeers {
  ticket(peer: StoreRegister, number: number): Promise<ReturnableTicket>;
  reserveReturn(peer: StoreRegister, body: PeerReserveRequest): Promise<ReturnableTicket>;
  releaseReturn(peer: StoreRegister, reservationId: string): Promise<ReleaseReturnResponse>;
  storedValue(kind: StoredValueKind, peer: StoreRegister, reference: string): Promise<StoredValue>;
  spendStoredValue(kind: StoredValueKind, peer: StoreRegister, body: SpendCreditNoteRequest): Promise<StoredValue>;
  releaseStoredValue(kind: StoredValueKind, peer: StoreRegister, reservationId: string): Promise<ReleaseReturnResponse>;
}

/**
 * What every service receives first. Invariant: every write goes through `sqlite.transaction(...)`
 * (synchronous better-sqlite3 transactions on the one connection), so nothing can interleave with a
 * write transaction: reading a chain head and inserting the next number is atomic by construction.
 * Kysely (same connection) is used for migrations and for reads outside the hot path only.
 */
export interface RegisterContext {
  db: Kysely<RegisterDatabase>;
  sqlite: Database.Database;
  q: Statements;
  logger: Logger;
  identity: Identity | null;
  /** Where the private signing key lives (0600, never in the database). */
  keyFile: string;
  /** Current link mode (set by the link monitor; `autonomous` until it knows better). */
  mode(): RegisterMode;
  /** Called after every commit that appended records (schedules an outbox push; never awaits). */
  recordsAppended(): void;
  /** Called after a customer was created at the till (schedules its push to central; never awaits). */
  customersCreated(): void;
  now(): Date;
  /** Set by the sync agent; null when there is none (then a return of another register's ticket is refused). */
  central: StoreReturnsCentral | null;
  /** Set by the sync agent: the store's other registers on the LAN (null: none asked). */
  peers: StoreReturnsPeers | null;
}

export function createContext(args: {
  db: Kysely<RegisterDatabase>;
  sqlite: Database.Database;
  logger: Logger;
  keyFile: string;
}): RegisterContext {
  return {
    db: args.db,
    sqlite: args.sqlite,
    q: prepareStatements(args.sqlite),
    logger: args.logger,
    identity: null,
    keyFile: args.keyFile,
    mode: () => 'autonomous',
    recordsAppended: () => {},
    customersCreated: () => {},
    now: () => new Date(),
    central: null,
    peers: null,
  };
}
