import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AdminLoginRequest, LoginResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { login, logout } from './auth.service';
import { bearerOf } from './auth.guard';

export function authRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/auth/login', { config: { access: 'public' }, schema: { security: [], body: AdminLoginRequest, response: { 200: LoginResponse } } }, async (request) =>
    login(ctxOf(request), request.body, request.ip),
  );
  api.post('/api/auth/logout', { config: { access: 'session' }, schema: { description: "Ends the caller's own session (204, no body)." } }, async (request, reply) => {
    await logout(ctxOf(request), bearerOf(request)!);
    return reply.status(204).send();
  });
}
