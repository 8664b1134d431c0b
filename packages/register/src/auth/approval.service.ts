import { DEFAULT_GIFT_CARD_MAX_CENTS, DEFAULT_MEAL_VOUCHER_CAP_CENTS } from '@comptoir/domain';
import { ComptoirError, type Approval, type ApprovedBy } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { checkPin, type Actor } from './auth.service';

/**
 * Approvals at the till: cashier and manager rights on the register. Some actions (a discount
 * above the store's cashier limit, a return, a closure, a paid-out, opening the drawer without a
 * sale, switching training mode) need a manager's (or admin's) approval. Two steps, so that the
 * slow PIN check runs before a service's synchronous transaction and the decision inside it:
 *
 *   const approver = await approverOf(ctx, actor, body.approval, req.ip); // route, async
 *   const approvedBy = requireApproval(approver, reasons);                // service, sync
 *
 * `approverOf`: the manager signed in approves their own actions (no approval needed); otherwise an
 * `approval: {login, pin}` in the body is checked against the SOS copy (offline too), throttled
 * like a login (a wrong PIN counts as a failed login of that manager; 429 while locked). A wrong PIN,
 * or an approver who is not a manager/admin, is 403 APPROVAL_REQUIRED (nothing is written).
 * `requireApproval`: no reasons → undefined (nothing to sign); reasons and no approver → 403
 * APPROVAL_REQUIRED `{reasons}`; else the `approvedBy` the record signs. `requireManager` is the
 * same for an action that always needs a manager (reasons given, never undefined).
 */
export interface Approver {
  cashierId: string;
  login: string;
  role: 'admin' | 'manager';
}

const APPROVING_ROLES = new Set(['admin', 'manager']);

export async function approverOf(
  ctx: RegisterContext,
  actor: Actor,
  approval: Approval | undefined,
  address: string | undefined,
): Promise<Approver | null> {
  if (approval) {
    const who = await checkPin(ctx, approval.login, approval.pin, address);
    if (!who) throw new ComptoirError('APPROVAL_REQUIRED', 'Approval refused: unknown login or wrong PIN', { reason: 'invalid_approval' });
    if (!APPROVING_ROLES.has(who.role)) {
      throw new ComptoirError('APPROVAL_REQUIRED', `Approval refused: ${who.login} is not a manager`, { reason: 'not_a_manager' });
    }
    return { cashierId: who.id, login: who.login, role: who.role as Approver['role'] };
  }
  if (APPROVING_ROLES.has(actor.role)) return { cashierId: actor.cashierId, login: actor.login, role: actor.role as Approver['role'] };
  return null;
}

export function requireApproval(approver: Approver | null, reasons: readonly string[]): ApprovedBy | undefined {
  return reasons.length === 0 ? undefined : requireManager(approver, reasons);
}

/**
 * Who asked and who approved, as the flat details of a signed event (events carry no nested
 * objects): `by` (the cashier signed in), `byLogin`, and the approver's `approvedById`,
 * `approvedByLogin`, `approvedByRole`.
 */
export function approvalDetails(actor: Actor, approvedBy: ApprovedBy): Record<string, string> {
  return { by: actor.cashierId, byLogin: actor.login, approvedById: approvedBy.cashierId, approvedByLogin: approvedBy.login, approvedByRole: approvedBy.role };
}

/** An action that always needs a manager (a no-sale, switching training mode): the `approvedBy` it signs, or 403 APPROVAL_REQUIRED `{reasons}`. */
export function requireManager(approver: Approver | null, reasons: readonly string[]): ApprovedBy {
  if (!approver) {
    throw new ComptoirError('APPROVAL_REQUIRED', `A manager's approval is needed: ${reasons.join(', ')}`, { reasons: [...reasons] });
  }
  return { cashierId: approver.cashierId, login: approver.login, role: approver.role, reasons: [...reasons] };
}

/** The store's rules at the till (SOS copy; defaults: 10 % of a line, every return, 25,00 € of meal vouchers a ticket). */
export interface StoreRules {
  cashierDiscountLimitBp: number;
  returnsNeedApproval: boolean;
  mealVoucherCapCents: number;
  giftCardMaxCents: number;
}

export function storeRules(ctx: RegisterContext): StoreRules {
  const row = ctx.sqlite.prepare('SELECT cashier_discount_limit_bp, returns_need_approval, meal_voucher_cap_cents, gift_card_max_cents FROM copy_store LIMIT 1').get() as
    | { cashier_discount_limit_bp: number; returns_need_approval: number; meal_voucher_cap_cents: number | null; gift_card_max_cents: number | null }
    | undefined;
  return row
    ? {
        cashierDiscountLimitBp: row.cashier_discount_limit_bp,
        returnsNeedApproval: row.returns_need_approval === 1,
        mealVoucherCapCents: row.meal_voucher_cap_cents ?? DEFAULT_MEAL_VOUCHER_CAP_CENTS,
        giftCardMaxCents: row.gift_card_max_cents ?? DEFAULT_GIFT_CARD_MAX_CENTS,
      }
    : { cashierDiscountLimitBp: 1000, returnsNeedApproval: true, mealVoucherCapCents: DEFAULT_MEAL_VOUCHER_CAP_CENTS, giftCardMaxCents: DEFAULT_GIFT_CARD_MAX_CENTS };
}

/** True when one line's discount is above the cashier limit (basis points of the line's gross amount). */
export function discountAboveLimit(line: { unitPriceCents: number; quantity: number; discountCents: number }, limitBp: number): boolean {
  // Integer comparison: discount / gross > limit / 10000.
  return line.discountCents * 10000 > Math.abs(line.unitPriceCents * line.quantity) * limitBp;
}
