import { startFaultProxy as startLinkProxy, type FaultProxy, type FaultProxyOptions } from '@comptoir/link-proxy';
import { freePort } from './ports';

/**
 * The link proxy of `@comptoir/link-proxy`, on a port of this test file's range (freePort) unless told
 * otherwise. Its `refuse` mode stops listening and listens again on the same port later: on a port the
 * kernel picked, another process could take it meanwhile; no other file is handed one of this range.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  return startLinkProxy({ ...options, port: options.port ?? (await freePort()) });
}
