import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AdvertisedUrlRequest, CreateRegisterRequest, CreateRegisterResponse, EnrolRequest, EnrolResponse, FleetRegister, IdParams, RegisterKeysResponse, SosScheduleRequest, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createRegister, enrolRegister, issueEnrolCode, listRegisters, revokeRegister, setAdvertisedUrl, setSosSchedule } from './register.service';
import { listRegisterKeys } from './register-keys.service';

export function registerRoutes(app: FastifyInstance, { ctxOf, minSosIntervalSeconds, enrolCodeTtlSeconds }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/registers', { config: { access: 'admin' }, schema: { body: CreateRegisterRequest, response: { 201: CreateRegisterResponse } } }, async (request, reply) =>
    reply.status(201).send(await createRegister(ctxOf(request), request.body, enrolCodeTtlSeconds)),
  );
  api.get('/api/registers', { config: { access: 'staff' }, schema: { response: { 200: listOf(FleetRegister) } } }, async (request) => listRegisters(ctxOf(request)));
  api.put(
    '/api/registers/:id/sos-schedule',
    { config: { access: 'staff' }, schema: { params: IdParams, body: SosScheduleRequest, response: { 200: FleetRegister } } },
    async (request) => setSosSchedule(ctxOf(request), request.params.id, request.body.cron, minSosIntervalSeconds),
  );
  api.put(
    '/api/registers/:id/advertised-url',
    { config: { access: 'admin' }, schema: { params: IdParams, body: AdvertisedUrlRequest, response: { 200: FleetRegister } } },
    async (request) => setAdvertisedUrl(ctxOf(request), request.params.id, request.body.url),
  );
  api.post('/api/registers/:id/revoke', { config: { access: 'admin' }, schema: { params: IdParams, response: { 200: FleetRegister } } }, async (request) =>
    revokeRegister(ctxOf(request), request.params.id),
  );
  api.post(
    '/api/registers/:id/enrol-code',
    { config: { access: 'admin' }, schema: { params: IdParams, response: { 201: CreateRegisterResponse } } },
    async (request, reply) => reply.status(201).send(await issueEnrolCode(ctxOf(request), request.params.id, enrolCodeTtlSeconds)),
  );
  api.get(
    '/api/registers/:id/keys',
    { config: { access: 'staff' }, schema: { params: IdParams, response: { 200: RegisterKeysResponse } } },
    async (request) => listRegisterKeys(ctxOf(request), request.params.id),
  );
  api.post('/api/registers/enrol', { config: { access: 'public' }, schema: { security: [], body: EnrolRequest, response: { 200: EnrolResponse } } }, async (request) =>
    enrolRegister(ctxOf(request), request.body, request.ip),
  );
}
