import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CentralEventsQuery, JournalEventsResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listEvents } from './event-journal.service';

/** The registers' event journals (JET): staff (a manager: their store's registers only). */
export function eventJournalRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/events', { config: { access: 'staff' }, schema: { querystring: CentralEventsQuery, response: { 200: JournalEventsResponse } } }, async (request) =>
    listEvents(ctxOf(request), request.query),
  );
}
