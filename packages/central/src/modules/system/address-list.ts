import { BlockList, isIP } from 'node:net';

// Lists of client addresses an operator gives central: the reverse proxies whose X-Forwarded-For is
// believed (`--trust-proxy`), the scrapers allowed to read /metrics without its token
// (`--metrics-allow`). An entry is an IP address (v4 or v6) or a CIDR block (`10.0.0.0/8`,
// `fd00::/8`). Nothing is trusted by default.

/** `address` or `address/prefix` with a prefix that fits the family; null when it is neither. */
export function addressEntry(text: string): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : null;
}

/** A comma-separated list (flag or environment variable) → its entries; the invalid ones are named. */
export function parseAddressList(text: string): { entries: string[]; invalid: string[] } {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  return { entries, invalid: entries.filter((e) => !addressEntry(e)) };
}

/** Whether `ip` (as Fastify reports it: an IPv4-mapped IPv6 is read as IPv4) falls in one of `entries`. */
export function addressMatcher(entries: string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const text of entries) {
    const e = addressEntry(text);
    if (!e) throw new Error(`not an address or CIDR block: ${text}`);
    if (e.prefix === null) list.addAddress(e.address, e.family);
    else list.addSubnet(e.address, e.prefix, e.family);
  }
  return (ip) => {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = v4 ?? ip;
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}
