import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CashMovement, CashMovementRequest, DrawerOpening, DrawerOpenRequest, DrawerState } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { approverOf } from '../auth/approval.service';
import { drawerState, recordMovement } from './drawer.service';
import { openDrawerWithoutSale } from './no-sale.service';

/**
 * The cash drawer: any cashier of the register (a paid-out also needs a manager's approval, see
 * drawer.service; opening the drawer without a sale always does, see no-sale.service).
 */
export function drawerRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/cash/movements', { config: { access: 'cashier' }, schema: { body: CashMovementRequest, response: { 201: CashMovement } } }, async (req, reply) => {
    const actor = actorOf(req);
    const approver = await approverOf(ctx, actor, req.body.approval, req.ip);
    return reply.code(201).send(recordMovement(ctx, actor, req.body, approver));
  });
  api.post('/api/cash/drawer/open', { config: { access: 'cashier' }, schema: { body: DrawerOpenRequest, response: { 201: DrawerOpening } } }, async (req, reply) => {
    const actor = actorOf(req);
    const approver = await approverOf(ctx, actor, req.body.approval, req.ip);
    return reply.code(201).send(await openDrawerWithoutSale(ctx, actor, req.body, approver));
  });
  api.get('/api/cash/drawer', { config: { access: 'cashier' }, schema: { response: { 200: DrawerState } } }, async () => drawerState(ctx));
}
