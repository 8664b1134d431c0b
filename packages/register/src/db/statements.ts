import type Database from 'better-sqlite3';

// Prepared statements of the hot paths (sale, return, chain append, outbox), compiled once at start.

export type ProductRow = { sku: string; label: string; price_cents: number; vat_rate: number; active: number; open_price_max_cents: number | null; meal_voucher_eligible: number };
export type HeadRow = { number: number; signature: string; recorded_at: string };
export type RecordRow = {
  chain: string;
  number: number;
  recorded_at: string;
  payload: string;
  prev_signature: string;
  signature: string;
  seq: number;
  key_id: string | null;
};

export function prepareStatements(db: Database.Database) {
  return {
    productBySku: db.prepare<[string], ProductRow>(
      'SELECT sku, label, price_cents, vat_rate, active, open_price_max_cents, meal_voucher_eligible FROM products WHERE sku = ?',
    ),
    productByBarcode: db.prepare<[string], ProductRow>(
      `SELECT p.sku, p.label, p.price_cents, p.vat_rate, p.active, p.open_price_max_cents, p.meal_voucher_eligible FROM barcodes b JOIN products p ON p.sku = b.sku
       WHERE b.code = ? ORDER BY p.active DESC, p.sku LIMIT 1`,
    ),
    customerActive: db.prepare<[string], { id: string }>('SELECT id FROM customers WHERE id = ? AND active = 1'),
    paymentMethod: db.prepare<[string], { method: string }>('SELECT method FROM copy_payment_methods WHERE method = ?'),
    chainHead: db.prepare<[string], HeadRow>(
      'SELECT number, signature, recorded_at FROM records WHERE chain = ? ORDER BY number DESC LIMIT 1',
    ),
    /** Where a replaced till's chain continues from (central's head at its enrolment); none on a till that started the chain. */
    chainAnchor: db.prepare<[string], HeadRow>('SELECT number, signature, recorded_at FROM chain_anchors WHERE chain = ?'),
    nextSeq: db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) + 1 AS seq FROM records'),
    insertRecord: db.prepare<[string, number, string, string, string, string, number, string]>(
      `INSERT INTO records (chain, number, recorded_at, payload, prev_signature, signature, seq, key_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertOutbox: db.prepare<[number, string, number]>('INSERT INTO outbox (seq, chain, number) VALUES (?, ?, ?)'),
    recordByKey: db.prepare<[string, number], RecordRow>('SELECT * FROM records WHERE chain = ? AND number = ?'),
    ticketByClientSaleId: db.prepare<[string], { number: number }>(
      'SELECT number FROM tickets WHERE client_sale_id = ?',
    ),
    ticketByNumber: db.prepare<[number], { number: number; kind: string; customer_id: string | null }>(
      'SELECT number, kind, customer_id FROM tickets WHERE number = ?',
    ),
    insertTicket: db.prepare<
      [number, string, number, string, string, string | null, string | null, number, string | null, number | null]
    >(
      `INSERT INTO tickets (number, kind, total_cents, sold_at, cashier_id, customer_id, client_sale_id, sold_offline,
         original_register_id, original_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Units of one of this register's tickets already refunded or reserved: its own returns, LAN
    // reservations for other registers, and what other registers returned through central (a LAN
    // reservation central echoes back counts once).
    returnedByLine: db.prepare<[number], { line_no: number; quantity: number }>(
      `WITH o(n) AS (SELECT ?) SELECT line_no, sum(quantity) AS quantity FROM (
         SELECT line_no, quantity FROM returned_quantities WHERE original_number = (SELECT n FROM o)
         UNION ALL SELECT line_no, quantity FROM peer_reservations WHERE original_number = (SELECT n FROM o)
         UNION ALL SELECT s.line_no, s.quantity FROM store_returned_units s WHERE s.original_number = (SELECT n FROM o)
           AND NOT EXISTS (SELECT 1 FROM peer_reservations p WHERE p.reservation_id = s.reservation_id)
       ) GROUP BY line_no`,
    ),
    insertReturned: db.prepare<[number, number, number, number]>(
      'INSERT INTO returned_quantities (original_number, line_no, return_number, quantity) VALUES (?, ?, ?, ?)',
    ),
    insertMovement: db.prepare<[string, number, number, string]>(
      'INSERT INTO stock_movements (sku, delta, ticket_number, at) VALUES (?, ?, ?, ?)',
    ),
    moveStock: db.prepare<[string, number]>(
      `INSERT INTO stock_levels (sku, quantity) VALUES (?, ?)
       ON CONFLICT (sku) DO UPDATE SET quantity = quantity + excluded.quantity`,
    ),
    sessionByHash: db.prepare<
      [string, string],
      { cashier_id: string; role: string; display_name: string; login: string }
    >(
      `SELECT s.cashier_id, c.role, c.display_name, c.login FROM sessions s JOIN cashiers c ON c.id = s.cashier_id
       WHERE s.token_hash = ? AND s.expires_at > ? AND c.active = 1`,
    ),
    outboxCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox'),
    outboxBatch: db.prepare<[number], RecordRow>(
      `SELECT r.* FROM outbox o JOIN records r ON r.chain = o.chain AND r.number = o.number
       ORDER BY o.seq LIMIT ?`,
    ),
    markIntegrated: db.prepare<[string, string, number]>(
      `INSERT OR IGNORE INTO integrations (chain, number, integrated_at)
       SELECT chain, number, ? FROM outbox WHERE chain = ? AND number <= ?`,
    ),
    deleteOutbox: db.prepare<[string, number]>('DELETE FROM outbox WHERE chain = ? AND number <= ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
