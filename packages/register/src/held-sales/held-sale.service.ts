import { ComptoirError, HoldSaleRequest, type HeldSale, type HeldSaleList } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import type { RegisterContext } from '../context';

// Sales on hold (issue 12). Phases: a cashier puts the sale in progress aside (hold) → it waits in
// register.sqlite, so a restart of the register keeps it → any cashier of this register recalls it
// (recall hands it back and removes it, in one statement: two screens cannot both recall it).
// Not signed and counted nowhere: a held sale is not a sale until it is paid (then it is a ticket).

type Row = { id: number; held_at: string; cashier_id: string; total_cents: number; sale: string };

function heldSaleOf(row: Row): HeldSale {
  const sale = HoldSaleRequest.parse(JSON.parse(row.sale));
  return { id: row.id, heldAt: row.held_at, cashierId: row.cashier_id, totalCents: row.total_cents, ...sale };
}

export function holdSale(ctx: RegisterContext, actor: Actor, req: HoldSaleRequest): HeldSale {
  const total = req.lines.reduce((s, l) => s + l.unitPriceCents * l.quantity - l.discountCents, 0);
  const row = ctx.sqlite
    .prepare('INSERT INTO held_sales (held_at, cashier_id, total_cents, sale) VALUES (?, ?, ?, ?) RETURNING *')
    .get(ctx.now().toISOString(), actor.cashierId, total, JSON.stringify(req)) as Row;
  return heldSaleOf(row);
}

export function heldSales(ctx: RegisterContext): HeldSaleList {
  const rows = ctx.sqlite.prepare('SELECT * FROM held_sales ORDER BY id').all() as Row[];
  return { items: rows.map(heldSaleOf), total: rows.length };
}

export function recallSale(ctx: RegisterContext, id: number): HeldSale {
  const row = ctx.sqlite.prepare('DELETE FROM held_sales WHERE id = ? RETURNING *').get(id) as Row | undefined;
  if (!row) throw new ComptoirError('NOT_FOUND', `No sale on hold ${id} on this register (recalled already?)`, { id });
  return heldSaleOf(row);
}
