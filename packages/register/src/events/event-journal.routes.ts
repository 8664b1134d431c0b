import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { JournalEventsResponse, RegisterEventsQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { listEvents } from './event-journal.service';

/** The technical event journal (JET): a manager (or admin) of the register. */
export function eventJournalRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/events', { config: { access: 'cashier' }, schema: { querystring: RegisterEventsQuery, response: { 200: JournalEventsResponse } } }, async (req) =>
    listEvents(ctx, actorOf(req), req.query.limit),
  );
}
