import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import type { RouteDeps } from '../../routes';

const Health = z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']) });

export function healthRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/health', { config: { access: 'public' }, schema: { security: [], response: { 200: Health } } }, async (request) => {
    const ctx = ctxOf(request);
    await sql`select 1`.execute(ctx.db);
    return { ok: true as const, database: ctx.dialect };
  });
}
