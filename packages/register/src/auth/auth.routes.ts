import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CashierLoginRequest, CashierLoginResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { login } from './auth.service';

export function authRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/auth/login', { config: { access: 'public' }, schema: { security: [], body: CashierLoginRequest, response: { 200: CashierLoginResponse } } }, async (req) =>
    login(ctx, req.body, req.ip),
  );
}
