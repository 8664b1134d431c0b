import type { FastifyInstance } from 'fastify';
import { DemoLinkRequest } from '@comptoir/protocol';
import type { DemoLinks } from './demo-links';

// Demo only: cut or restore the link between a register and the central server.
export function demoRoutes(app: FastifyInstance, links: DemoLinks): void {
  app.post<{ Params: { registerId: string } }>('/api/demo/links/:registerId', { config: { access: 'staff' } }, async (request) => {
    const { up } = DemoLinkRequest.parse(request.body);
    await links.set(request.params.registerId, up);
    return { registerId: request.params.registerId, up };
  });
  app.get('/api/demo/links', { config: { access: 'staff' } }, async () => {
    const items = links.list();
    return { items, total: items.length };
  });
}
