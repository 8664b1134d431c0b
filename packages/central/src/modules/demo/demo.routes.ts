import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { DemoLink, DemoLinkRequest, listOf } from '@comptoir/protocol';
import type { DemoLinks } from './demo-links';
import type { RouteDeps } from '../../routes';
import { assertRegisterInScope } from '../stores/store-scope';

const RegisterIdParams = z.object({ registerId: z.string().min(1).max(64) });

// Demo only: cut or restore the link between a register and the central server.
export function demoRoutes(app: FastifyInstance, links: DemoLinks, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/demo/links/:registerId', { config: { access: 'staff' }, schema: { params: RegisterIdParams, body: DemoLinkRequest, response: { 200: DemoLink } } }, async (request) => {
    const { up } = request.body;
    await assertRegisterInScope(ctxOf(request), request.params.registerId);
    await links.set(request.params.registerId, up);
    return { registerId: request.params.registerId, up };
  });
  api.get('/api/demo/links', { config: { access: 'staff' }, schema: { response: { 200: listOf(DemoLink) } } }, async () => {
    const items = links.list();
    return { items, total: items.length };
  });
}
