import type { FastifyInstance } from 'fastify';
import { ComptoirError, OLDEST_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION, protocolOfHeader } from '@comptoir/protocol';

/**
 * Every call of the sync API (and enrolment) must speak a protocol central accepts: the current one
 * or the previous one (docs/operations.md, "Upgrade the fleet"). Anything else is refused before any
 * work with 426 PROTOCOL_UNSUPPORTED and a message the till shows; nothing is stored, so the
 * register keeps its records until it is upgraded.
 */
export function installProtocolGate(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !(url.startsWith('/api/sync/') || url === '/api/registers/enrol')) return;
    const spoken = protocolOfHeader(request.headers[PROTOCOL_HEADER]);
    if (spoken >= OLDEST_PROTOCOL_VERSION && spoken <= PROTOCOL_VERSION) return;
    const accepted = `${OLDEST_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}`;
    const details = { protocolVersion: Number.isNaN(spoken) ? null : spoken, oldestProtocolVersion: OLDEST_PROTOCOL_VERSION, currentProtocolVersion: PROTOCOL_VERSION };
    if (spoken > PROTOCOL_VERSION) {
      throw new ComptoirError('PROTOCOL_UNSUPPORTED', `This register speaks sync protocol ${spoken}, newer than central's (${accepted}): upgrade central first`, details);
    }
    throw new ComptoirError(
      'PROTOCOL_UNSUPPORTED',
      `This register's software is too old (sync protocol ${Number.isNaN(spoken) ? 'unreadable' : spoken}; central accepts ${accepted}): upgrade it — its sales are kept and will be sent after the upgrade`,
      details,
    );
  });
}
