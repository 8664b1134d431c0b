// Free TCP port discovery.
// Invariant: the returned port was bindable on 127.0.0.1 a moment ago. Nothing reserves it, so a
// caller that binds later can still lose a race with another process; callers that can retry should.
import { createServer } from 'node:net';

/** Asks the kernel for an ephemeral port on 127.0.0.1, releases it, and returns its number. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: server has no TCP address'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
