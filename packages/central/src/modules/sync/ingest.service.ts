import { addRegisterKey, registerKeys, retireRegisterKeys } from '../registers/register-keys.service';
import { ComptoirError, type PushResponse, type SignedRecord, type TicketPayload } from '@comptoir/protocol';
import {
  GENESIS_SIGNATURE,
  keyRotationOf,
  keyValidityProblem,
  mealVoucherBreaches,
  mealVoucherCents,
  mealVoucherEligibleCents,
  priceAllowed,
  ticketTotalsMismatch,
  type ChainHeads,
  type KeyRotation,
  type SignedRecord as SignableSignedRecord,
} from '@comptoir/domain';
import { verifySignatures } from './signature-pool';
import { ensureMonthPartitions } from '../../db/month-partitions';
import { nowIso, type Ctx } from '../../context';
import { recordTamperAlert, type TamperReason } from '../tamper/tamper.service';
import { purgedRecords, type PurgedRecord } from '../partitions/purged-records.service';
import { countPeerReservations, countPushedReturns } from '../returns/store-return.service';
import { countPeerStoredValues, countPushedStoredValues } from '../credit-notes/stored-value.service';
import {
  addStockDeltas,
  advanceHead,
  insertIngestRows,
  lockHeads,
  productPrices,
  stockQuantities,
  storeMealVoucherCap,
  storedSignatures,
  type Head,
  type IngestRows,
} from './ingest.repository';

// Exactly-once ingest of a register's signed records (docs/architecture.md §4).
//
// Phases of one push:
//  1. outside any transaction: every record belongs to the authenticated register (else 403
//     FOREIGN_RECORD, nothing stored); every signature is verified (pure CPU, on worker threads,
//     with the register's parsed public key cached), so the transaction stays short;
//  1b. PostgreSQL: the monthly partitions of the verified records' months are created if missing
//     (db/month-partitions.ts), in their own short transaction;
//  2. ONE transaction: lock/read the chain heads once, read stored signatures of possible replays,
//     walk the records in order against in-memory heads (replay / gap / chain break / accept),
//     insert everything with multi-row inserts, apply ticket effects (stock deltas aggregated per
//     sku, anomalies flagged), advance the heads;
//  3. a refused batch is rolled back entirely; a tamper alert is then recorded in its own transaction.
// Invariants: the stored records of a chain are gapless, each one's prevSignature is the previous
// one's signature, and the head row always names the last stored record (advanced in the same
// transaction as the inserts). A ticket's business anomalies never refuse it.

/** The signed form of a record: fields exactly as received (zod may normalise the parsed copy). */
export type RawRecord = SignableSignedRecord;

class TamperDetected extends Error {
  constructor(readonly chain: string, readonly number: number, readonly reason: TamperReason) {
    super(`tamper alert on ${chain} #${number}: ${reason}`);
  }
}

export async function pushRecords(
  ctx: Ctx,
  register: { registerId: string; storeId: string },
  records: SignedRecord[],
  raw: RawRecord[],
  /** The request body's JSON text, whose `records` are `raw`: lets a worker verify the signatures. */
  body?: string,
): Promise<PushResponse> {
  const { registerId, storeId } = register;

  // Phase 1: ownership, then signatures.
  const foreign = records.find((r) => r.registerId !== registerId);
  if (foreign) {
    throw new ComptoirError('FOREIGN_RECORD', 'A register may push only its own records', {
      registerId: foreign.registerId,
      chain: foreign.chain,
      number: foreign.number,
    });
  }
  const keys = await registerKeys(ctx, registerId);
  if (keys.length === 0) throw new ComptoirError('NOT_ENROLLED', 'This register has no public key');
  // A rotation in the batch (a `key_end` event naming the next key) lets the next key's records of
  // the same batch verify; the next key is trusted only once that event is accepted below.
  const rotations = new Map<number, KeyRotation>();
  raw.forEach((r, i) => {
    const rotation = keyRotationOf(r);
    if (rotation) rotations.set(i, rotation);
  });
  const pems = [...keys.map((k) => k.publicKeyPem), ...[...rotations.values()].map((r) => r.nextPublicKeyPem)];
  const signatureOk = await verifySignatures(pems, raw, body);
  // Validity by position of every trusted key (the oldest first: a record naming no key is its).
  const validity = new Map<string, { startAfter: ChainHeads | null; endAt: ChainHeads | null }>(keys.map((k) => [k.keyId, { startAfter: k.startAfter ?? null, endAt: k.endAt ?? null }]));
  const oldestKeyId = keys[0]!.keyId;
  // Dated by central's clock when integrated (the register's clock may differ): keys stay in order.
  const acceptedRotations: { rotation: KeyRotation; at: string }[] = [];

  // Phase 1b (PostgreSQL): the month partitions of the verified records exist before the transaction.
  if (ctx.dialect === 'postgres') await ensureMonthPartitions(ctx, raw.filter((_, i) => signatureOk[i]).map((r) => r.recordedAt));

  // Phase 2: one transaction.
  const integratedAt = nowIso(ctx);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const tctx: Ctx = { ...ctx, db: trx };
      const heads = await lockHeads(tctx, registerId);
      const dbHeads = new Map([...heads].map(([c, h]) => [c, h.number]));

      // Signatures already stored for records at or below the heads (possible replays).
      const replayNumbers = new Map<string, number[]>();
      for (const r of records) {
        if (r.number <= (dbHeads.get(r.chain) ?? 0)) replayNumbers.set(r.chain, [...(replayNumbers.get(r.chain) ?? []), r.number]);
      }
      const stored = new Map<string, Map<number, string>>();
      for (const [chain, numbers] of replayNumbers) stored.set(chain, await storedSignatures(tctx, registerId, chain, numbers));
      // Below the head but no longer held: a purged month's (PostgreSQL, §22). A restored old till
      // re-pushing it is a replay when the purge's verified archive holds that very record.
      const gone = new Map([...replayNumbers].map(([chain, numbers]) => [chain, numbers.filter((n) => !stored.get(chain)?.has(n))] as const).filter(([, n]) => n.length > 0));
      const purged = gone.size > 0 && ctx.dialect === 'postgres' ? await purgedRecords(tctx, registerId, gone) : new Map<string, Map<number, PurgedRecord>>();

      // Walk in order.
      const accepted: number[] = [];
      const inBatch = new Map<string, string>();
      let replayed = 0;
      const advanced = new Set<string>();
      records.forEach((r, i) => {
        const head: Head = heads.get(r.chain) ?? { number: 0, signature: GENESIS_SIGNATURE };
        const signature = raw[i]!.signature;
        if (r.number <= head.number) {
          const held = stored.get(r.chain)?.get(r.number) ?? inBatch.get(`${r.chain}#${r.number}`) ?? purged.get(r.chain)?.get(r.number)?.signature;
          if (held === signature) {
            replayed++;
            return;
          }
          throw new TamperDetected(r.chain, r.number, 'replay_signature_differs');
        }
        if (r.number > head.number + 1) {
          throw new ComptoirError('CHAIN_GAP', `Chain ${r.chain}: expected record ${head.number + 1}, got ${r.number}`, {
            chain: r.chain,
            expected: head.number + 1,
            got: r.number,
          });
        }
        if (raw[i]!.prevSignature !== head.signature) throw new TamperDetected(r.chain, r.number, 'prev_mismatch');
        const signer = validity.get(raw[i]!.keyId ?? oldestKeyId);
        if (!signatureOk[i] || !signer) throw new TamperDetected(r.chain, r.number, 'bad_signature');
        if (keyValidityProblem(signer, r.chain, r.number)) throw new TamperDetected(r.chain, r.number, 'key_not_valid');
        const rotation = rotations.get(i);
        if (rotation && !validity.has(rotation.nextKeyId)) {
          validity.set(rotation.keyId, { ...signer, endAt: rotation.endAt });
          validity.set(rotation.nextKeyId, { startAfter: rotation.endAt, endAt: null });
          acceptedRotations.push({ rotation, at: integratedAt });
        }
        accepted.push(i);
        inBatch.set(`${r.chain}#${r.number}`, signature);
        heads.set(r.chain, { number: r.number, signature });
        advanced.add(r.chain);
      });

      if (accepted.length > 0) {
        const rows = await buildEffects(tctx, { registerId, storeId, integratedAt }, accepted.map((i) => ({ record: records[i]!, raw: raw[i]! })));
        await insertIngestRows(tctx, rows.rows);
        const pushedTickets = accepted.flatMap((i) => {
          const r = records[i]!;
          return r.chain === 'ticket' && r.payload.type === 'ticket' ? [{ number: r.number, payload: r.payload }] : [];
        });
        const pushedEvents = accepted.flatMap((i) => {
          const p = records[i]!.payload;
          return p.type === 'event' ? [p] : [];
        });
        await countPushedReturns(tctx, register, pushedTickets);
        await countPeerReservations(tctx, register, pushedEvents);
        await countPushedStoredValues(tctx, register, pushedTickets, integratedAt);
        await countPeerStoredValues(tctx, register, pushedEvents, integratedAt);
        await addStockDeltas(tctx, storeId, rows.deltas);
        for (const chain of advanced) await advanceHead(tctx, registerId, chain, heads.get(chain)!);
        for (const { rotation, at } of acceptedRotations) {
          await retireRegisterKeys(tctx, registerId, rotation.endAt, at, rotation.keyId);
          await addRegisterKey(tctx, registerId, rotation.nextPublicKeyPem, at, rotation.endAt);
        }
      }
      return {
        integrated: accepted.length,
        replayed,
        heads: Object.fromEntries([...heads].map(([chain, h]) => [chain, h.number])),
      };
    });
  } catch (e) {
    if (!(e instanceof TamperDetected)) throw e;
    // Phase 3: the batch is rolled back; the alert is recorded on its own so that it stays.
    ctx.log.warn({ registerId, chain: e.chain, number: e.number, reason: e.reason }, 'tamper alert');
    await recordTamperAlert(ctx, { registerId, chain: e.chain, number: e.number, reason: e.reason });
    throw new ComptoirError('TAMPER_ALERT', e.message, { chain: e.chain, number: e.number, reason: e.reason });
  }
}

/**
 * Rows to insert for accepted records, and the stock deltas per sku. Reads the named products and
 * their stock once for the whole batch. Anomalies (flagged, never refused):
 * `unknown_product:SKU`, `price_differs:SKU:central=X:ticket=Y` (sales only: a return refunds the
 * original price; for an open-price item X is `open-max-CAP` and only a price above it, or 0, differs), `negative_stock:SKU` (the ticket takes the store's stock below zero),
 * `totals_mismatch:STEP` (the ticket's arithmetic, re-done with the domain's functions, disagrees
 * with what it states: STEP is the first of `lines`, `vat`, `total`, `payments` that differs),
 * `meal_voucher_over_cap:V/CAP` and `meal_voucher_not_eligible:V/ELIGIBLE` (a sale's meal vouchers V,
 * in cents, above the store's cap per ticket or above the total of its lines central's catalog marks
 * eligible: a signed ticket, maybe made offline with an older copy, is never refused for it, §24).
 * Training tickets are records only: no ticket row, no stock movement (never counted in totals).
 * An invoice also gets its row in `invoices` (the back office's index by ticket).
 */
async function buildEffects(
  ctx: Ctx,
  at: { registerId: string; storeId: string; integratedAt: string },
  batch: { record: SignedRecord; raw: RawRecord }[],
): Promise<{ rows: IngestRows; deltas: Map<string, number> }> {
  const { registerId, storeId, integratedAt } = at;
  const rows: IngestRows = { records: [], tickets: [], lines: [], payments: [], vat: [], movements: [], invoices: [] };
  const tickets: { record: SignedRecord; payload: TicketPayload; signature: string }[] = [];
  for (const { record, raw } of batch) {
    rows.records.push({
      register_id: registerId,
      chain: record.chain,
      number: record.number,
      recorded_at: raw.recordedAt,
      payload: JSON.stringify(raw.payload),
      prev_signature: raw.prevSignature,
      signature: raw.signature,
      integrated_at: integratedAt,
      key_id: raw.keyId ?? null,
    });
    if (record.chain === 'ticket' && record.payload.type === 'ticket') tickets.push({ record, payload: record.payload, signature: raw.signature });
    if (record.chain === 'invoice' && record.payload.type === 'invoice') {
      const p = record.payload;
      rows.invoices.push({
        register_id: registerId,
        number: record.number,
        ticket_number: p.ticket.number,
        store_id: storeId,
        customer_id: p.customer.id,
        reference: p.reference,
        issued_at: record.recordedAt,
      });
    }
  }
  const deltas = new Map<string, number>();
  if (tickets.length === 0) return { rows, deltas };

  const skus = [...new Set(tickets.flatMap((t) => t.payload.lines.map((l) => l.sku)))];
  const [prices, stock, voucherCap] = await Promise.all([productPrices(ctx, skus), stockQuantities(ctx, storeId, skus), storeMealVoucherCap(ctx, storeId)]);

  for (const { record, payload, signature } of tickets) {
    const anomalies: string[] = [];
    const number = record.number;
    // PostgreSQL: a ticket's lines, payments and VAT lines sit in its month's partitions (migration 0022).
    const partitionKey = ctx.dialect === 'postgres' ? { sold_at: record.recordedAt } : {};
    payload.lines.forEach((line, index) => {
      const central = prices.get(line.sku);
      if (central === undefined) pushOnce(anomalies, `unknown_product:${line.sku}`);
      else if (payload.kind === 'sale' && !priceAllowed(central, line.unitPriceCents)) {
        // An open-price item's typed price is its own; only one above the cap (or of 0) differs.
        const expected = central.openPriceMaxCents === null ? String(central.priceCents) : `open-max-${central.openPriceMaxCents}`;
        pushOnce(anomalies, `price_differs:${line.sku}:central=${expected}:ticket=${line.unitPriceCents}`);
      }
      // Sales take stock out, returns put it back (return lines may carry negative quantities).
      const delta = payload.kind === 'sale' ? -Math.abs(line.quantity) : Math.abs(line.quantity);
      const after = (stock.get(line.sku) ?? 0) + delta;
      stock.set(line.sku, after);
      deltas.set(line.sku, (deltas.get(line.sku) ?? 0) + delta);
      // An unknown product is flagged as such; its stock is not a meaningful second anomaly.
      if (central !== undefined && delta < 0 && after < 0) pushOnce(anomalies, `negative_stock:${line.sku}`);
      rows.lines.push({
        register_id: registerId,
        number,
        ...partitionKey,
        line_no: line.lineNo,
        sku: line.sku,
        label: line.label,
        quantity: line.quantity,
        unit_price_cents: line.unitPriceCents,
        vat_rate: line.vatRate,
        discount_cents: line.discountCents,
        total_cents: line.totalCents,
      });
      rows.movements.push({
        // Deterministic: one movement per ticket line, appended in key order (cheap to index).
        id: `${registerId}:${number}:${index + 1}`,
        store_id: storeId,
        sku: line.sku,
        delta,
        reason: payload.kind,
        register_id: registerId,
        ticket_number: number,
        created_at: integratedAt,
      });
    });
    const mismatch = ticketTotalsMismatch(payload);
    if (mismatch) anomalies.push(`totals_mismatch:${mismatch}`);
    if (payload.kind === 'sale') anomalies.push(...mealVoucherFlags(payload, voucherCap, prices));
    payload.payments.forEach((p, seq) =>
      rows.payments.push({ register_id: registerId, number, ...partitionKey, seq: seq + 1, method: p.method, amount_cents: p.amountCents }),
    );
    for (const v of payload.vat) {
      rows.vat.push({ register_id: registerId, number, ...partitionKey, rate: v.rate, base_cents: v.baseCents, vat_cents: v.vatCents, total_cents: v.totalCents });
    }
    rows.tickets.push({
      register_id: registerId,
      number,
      store_id: storeId,
      kind: payload.kind,
      total_cents: payload.totalCents,
      sold_at: record.recordedAt,
      sold_offline: payload.soldOffline ? 1 : 0,
      integrated_at: integratedAt,
      customer_id: payload.customerId,
      cashier_id: payload.cashierId,
      original_register_id: payload.original?.registerId ?? null,
      original_number: payload.original?.number ?? null,
      anomalies: JSON.stringify(anomalies),
      signature,
    });
  }
  return { rows, deltas };
}

/**
 * The meal-voucher flags of a pushed sale (§24): its vouchers against the store's cap and the total
 * of the lines central's catalog marks eligible (an unknown product counts as eligible: it is flagged
 * as unknown already). Flags only; what a register sold is never refused here.
 */
function mealVoucherFlags(payload: TicketPayload, capCents: number, products: ReadonlyMap<string, { mealVoucherEligible: boolean }>): string[] {
  const eligible = mealVoucherEligibleCents(payload.lines.map((l) => ({ totalCents: l.totalCents, mealVoucherEligible: products.get(l.sku)?.mealVoucherEligible ?? true })));
  const vouchers = mealVoucherCents(payload.payments);
  return mealVoucherBreaches(payload.totalCents, payload.payments, capCents, eligible).flatMap((b) =>
    b === 'MEAL_VOUCHER_CAP' ? [`meal_voucher_over_cap:${vouchers}/${capCents}`] : b === 'MEAL_VOUCHER_NOT_ELIGIBLE' ? [`meal_voucher_not_eligible:${vouchers}/${eligible}`] : [],
  );
}

function pushOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}
