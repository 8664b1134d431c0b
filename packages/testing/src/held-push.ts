import { connect, type Socket } from 'node:net';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';

/**
 * A push to central whose headers are sent and whose body never comes: admitted by central's
 * admission control, it holds one push slot until the socket is destroyed (or central's request
 * timeout, 30 s, cuts it). With `COMPTOIR_MAX_PUSHES_IN_FLIGHT=1`, every other push is then refused
 * 503 CENTRAL_BUSY while copies and heartbeats are still served: central busy on the push path.
 * `token` is any enrolled register's.
 */
export function holdPushSlot(port: number, token: string): Socket {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => {});
  s.write(
    `POST /api/sync/push HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\n` +
      `${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\ncontent-length: 100000\r\n\r\n{"records":[`,
  );
  return s;
}
