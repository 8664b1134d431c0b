import type { FastifyInstance } from 'fastify';
import { ChangesQuery, HeartbeatRequest, PushRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { pushRecords, type RawRecord } from './ingest.service';
import { changesSince, heartbeat, snapshot } from './sync.service';

// The sync API: register tokens only (enrolment, which has no token yet, lives in registers).
export function syncRoutes(app: FastifyInstance, { ctxOf, heartbeatIntervalMs }: RouteDeps): void {
  app.post('/api/sync/push', { config: { access: 'register' } }, async (request) => {
    const req = PushRequest.parse(request.body);
    // Signatures are checked against the records exactly as received (the parsed copy may be normalised).
    const raw = (request.body as { records: RawRecord[] }).records;
    return pushRecords(ctxOf(request), registerOf(request), req.records, raw);
  });
  app.post('/api/sync/heartbeat', { config: { access: 'register' } }, async (request) =>
    heartbeat(ctxOf(request), registerOf(request).registerId, HeartbeatRequest.parse(request.body), heartbeatIntervalMs),
  );
  app.get('/api/sync/snapshot', { config: { access: 'register' } }, async (request) =>
    snapshot(ctxOf(request), registerOf(request).storeId),
  );
  app.get('/api/sync/changes', { config: { access: 'register' } }, async (request) =>
    changesSince(ctxOf(request), registerOf(request).storeId, ChangesQuery.parse(request.query).since),
  );
}
