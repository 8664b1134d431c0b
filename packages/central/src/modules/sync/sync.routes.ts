import type { FastifyInstance } from 'fastify';
import { ChangesQuery, HeartbeatRequest, PushRequest, SNAPSHOT_STREAM_TYPE } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { pushRecords, type RawRecord } from './ingest.service';
import { DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER, changesSince, heartbeat, snapshot } from './sync.service';
import { snapshotStream } from './snapshot-stream.service';

/** The JSON text of each push request's body, as received (dropped with the request). */
const rawBodies = new WeakMap<object, string>();

// The sync API: register tokens only (enrolment, which has no token yet, lives in registers).
export function syncRoutes(app: FastifyInstance, { ctxOf, heartbeatIntervalMs, sosDocumentsPerCustomer, metrics }: RouteDeps): void {
  // The push route lives in its own scope, whose JSON parser also keeps the body's text: signature
  // workers parse that text themselves (one string copy) instead of being sent the parsed records.
  app.register(async (scope) => {
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      rawBodies.set(request, body as string);
      parseJson(request, body as string, done);
    });
    scope.post('/api/sync/push', { config: { access: 'register' } }, async (request) => {
      // Signatures are checked against the records exactly as received (the parsed copy may be normalised).
      const raw = (request.body as { records?: RawRecord[] } | null)?.records;
      return metrics.push(Array.isArray(raw) ? raw.length : 0, async () => {
        const req = PushRequest.parse(request.body);
        return pushRecords(ctxOf(request), registerOf(request), req.records, raw!, rawBodies.get(request));
      });
    });
  });
  app.post('/api/sync/heartbeat', { config: { access: 'register' } }, async (request) =>
    heartbeat(ctxOf(request), registerOf(request).registerId, HeartbeatRequest.parse(request.body), heartbeatIntervalMs),
  );
  app.get('/api/sync/snapshot', { config: { access: 'register' } }, async (request) => {
    const reg = registerOf(request);
    return snapshot(ctxOf(request), reg.storeId, reg.registerId, sosDocumentsPerCustomer ?? DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER);
  });
  /** The streamed copy (NDJSON, manifest last): what registers use for every full copy. */
  app.get('/api/sync/snapshot/stream', { config: { access: 'register' } }, async (request, reply) => {
    const reg = registerOf(request);
    const stream = await snapshotStream(ctxOf(request), reg.storeId, reg.registerId, sosDocumentsPerCustomer ?? DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER);
    return reply.type(SNAPSHOT_STREAM_TYPE).send(stream);
  });
  app.get('/api/sync/changes', { config: { access: 'register' } }, async (request) =>
    changesSince(ctxOf(request), registerOf(request).storeId, ChangesQuery.parse(request.query).since),
  );
}
