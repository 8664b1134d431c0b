import type { FastifyInstance } from 'fastify';
import { CashierLoginRequest } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { login } from './auth.service';

export function authRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.post('/api/auth/login', async (req) => login(ctx, CashierLoginRequest.parse(req.body)));
}
