import type { FastifyInstance } from 'fastify';
import { CreateRegisterRequest, EnrolRequest, SosScheduleRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createRegister, enrolRegister, listRegisters, setSosSchedule } from './register.service';

export function registerRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.post('/api/registers', { config: { access: 'admin' } }, async (request, reply) =>
    reply.status(201).send(await createRegister(ctxOf(request), CreateRegisterRequest.parse(request.body))),
  );
  app.get('/api/registers', { config: { access: 'staff' } }, async (request) => listRegisters(ctxOf(request)));
  app.put<{ Params: { id: string } }>('/api/registers/:id/sos-schedule', { config: { access: 'staff' } }, async (request) =>
    setSosSchedule(ctxOf(request), request.params.id, SosScheduleRequest.parse(request.body).cron),
  );
  app.post('/api/registers/enrol', { config: { access: 'public' } }, async (request) =>
    enrolRegister(ctxOf(request), EnrolRequest.parse(request.body)),
  );
}
