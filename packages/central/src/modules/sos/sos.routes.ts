import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import type { RouteDeps } from '../../routes';
import { ChangeEvents, installChangeEvents } from './change-events';
import { copyRegisterNow, prepareOutage } from './prepare-outage.service';

const IdParams = z.object({ id: Id });

/** SOS copy routes of the central server: store-wide prepare-outage, one register's copy-now, change push hint (SSE). */
export function sosRoutes(app: FastifyInstance, { ctxOf }: RouteDeps, baseCtx: () => Ctx): void {
  app.post('/api/stores/:id/prepare-outage', { config: { access: 'staff' } }, async (request) =>
    prepareOutage(ctxOf(request), IdParams.parse(request.params).id),
  );
  app.post('/api/registers/:id/copy-now', { config: { access: 'staff' } }, async (request) =>
    copyRegisterNow(ctxOf(request), IdParams.parse(request.params).id),
  );
  const events = new ChangeEvents(baseCtx);
  installChangeEvents(app, events);
  app.get('/api/sync/events', { config: { access: 'register' } }, async (_request, reply) => events.subscribe(reply));
}
