import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local, shared, unspecified and multicast ranges: never a production webhook's address. */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is loopback, private, link-local or otherwise not a public host (IPv4-mapped IPv6 included). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return FORBIDDEN.check(address, family);
}

/**
 * Why a webhook URL is refused in production (null when it is fine): it must be https and every
 * address its host resolves to must be public, so an alert cannot be aimed at the service's own network.
 */
export async function productionWebhookUrlProblem(url: string, resolveHost = lookupAll): Promise<string | null> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') return 'webhookUrl must be https';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolveHost(host);
  } catch {
    return 'webhookUrl: its host does not resolve';
  }
  if (addresses.length === 0) return 'webhookUrl: its host does not resolve';
  if (addresses.some(isNonPublicAddress)) return 'webhookUrl must not point to a loopback, private or link-local address';
  return null;
}

async function lookupAll(host: string): Promise<string[]> {
  const answers = await Promise.race([
    lookup(host, { all: true, verbatim: true }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out')), 3000).unref()),
  ]);
  return answers.map((answer) => answer.address);
}
