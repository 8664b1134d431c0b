import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { IdParams, PrepareOutageItem, PrepareOutageResponse } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { ChangeEvents, installChangeEvents } from './change-events';
import { copyRegisterNow, prepareOutage } from './prepare-outage.service';

/** SOS copy routes of the central server: store-wide prepare-outage, one register's copy-now, change push hint (SSE). */
export function sosRoutes(app: FastifyInstance, { ctxOf }: RouteDeps, baseCtx: () => Ctx, listenUrl?: string): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/stores/:id/prepare-outage', { config: { access: 'staff' }, schema: { params: IdParams, response: { 200: PrepareOutageResponse } } }, async (request) =>
    prepareOutage(ctxOf(request), request.params.id),
  );
  api.post('/api/registers/:id/copy-now', { config: { access: 'staff' }, schema: { params: IdParams, response: { 200: PrepareOutageItem } } }, async (request) =>
    copyRegisterNow(ctxOf(request), request.params.id),
  );
  const events = new ChangeEvents(baseCtx, listenUrl);
  installChangeEvents(app, events);
  api.get('/api/sync/events', { config: { access: 'register' }, schema: { produces: ['text/event-stream'] } }, async (request, reply) =>
    events.subscribe(reply, registerOf(request).registerId),
  );
}
