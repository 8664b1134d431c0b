import { ComptoirError } from '@comptoir/protocol';
import { startFaultProxy, type FaultProxy } from '@comptoir/link-proxy';

/**
 * The demo's cuttable links, one TCP relay per register between it and the central server.
 * A cut link swallows packets without answering (a pulled cable), not a polite refusal.
 */
export class DemoLinks {
  private readonly links = new Map<string, { proxy: FaultProxy; up: boolean }>();

  async open(registerId: string, central: URL): Promise<FaultProxy> {
    const proxy = await startFaultProxy({ target: { host: central.hostname, port: Number(central.port) } });
    this.links.set(registerId, { proxy, up: true });
    return proxy;
  }

  async set(registerId: string, up: boolean): Promise<void> {
    const link = this.links.get(registerId);
    if (!link) throw new ComptoirError('NOT_FOUND', `no demo link for register ${registerId}`);
    await link.proxy.setMode(up ? { kind: 'up' } : { kind: 'blackhole' });
    link.up = up;
  }

  has(registerId: string): boolean {
    return this.links.has(registerId);
  }

  list(): { registerId: string; up: boolean }[] {
    return [...this.links].map(([registerId, l]) => ({ registerId, up: l.up }));
  }

  async close(): Promise<void> {
    for (const { proxy } of this.links.values()) await proxy.close();
  }
}
