/**
 * Address selection, as blackbox's chooseProtocol: resolve once, pick one address of the preferred
 * family (falling back to the other when allowed), no happy-eyeballs: the probe tests the address
 * it reports. Literals (including inet_aton forms such as `2852039166`) never touch DNS.
 */
import { lookup } from 'node:dns/promises';
import { raceAbort } from '../../common/abort.js';
import { describeMetric, type MetricSink } from '../../common/metrics.js';
import { ProbeError, type ProbeContext } from '../types.js';
import type { AddressSelection } from './config.js';
import { normalizeIPLiteral, parseAddress } from './policy.js';

const probeDNSLookupTimeSeconds = describeMetric(
  'probe_dns_lookup_time_seconds',
  'Returns the time taken for probe dns lookup in seconds',
  'gauge',
);
const probeIPProtocol = describeMetric('probe_ip_protocol', 'Specifies whether probe ip protocol is IP4 or IP6', 'gauge');
const probeIPAddrHash = describeMetric(
  'probe_ip_addr_hash',
  "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  'gauge',
);

export interface ResolvedAddress {
  /** The address to connect to, without brackets. */
  ip: string;
  family: 4 | 6;
  /** Seconds spent resolving (0 for a literal). */
  lookupSeconds: number;
}

/** FNV-1a (32-bit) of the address bytes (4 for IPv4, 16 for IPv6), as blackbox's ipHash. */
export function ipHash(ip: string): number {
  const address = parseAddress(ip);
  if (address === undefined) return 0;
  let hash = 0x811c9dc5;
  for (const byte of address.toByteArray()) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

function pick(
  host: string,
  candidates: readonly { address: string; family: number }[],
  selection: AddressSelection,
): { ip: string; family: 4 | 6 } {
  const preferred = selection.preferred_ip_protocol === 'ip4' ? 4 : 6;
  const match = candidates.find((candidate) => candidate.family === preferred);
  if (match !== undefined) return { ip: match.address, family: preferred };
  const fallback = candidates[0];
  if (fallback === undefined || !selection.ip_protocol_fallback) {
    throw new ProbeError('dns', `unable to find an ${selection.preferred_ip_protocol} address for ${host}; no fallback`);
  }
  return { ip: fallback.address, family: fallback.family === 4 ? 4 : 6 };
}

/**
 * Resolves `host` (a name or literal, brackets allowed) to one address and checks it against the
 * policy; emits no metrics (http uses it for redirect hops). Throws a ProbeError ('dns' or 'policy').
 */
export async function resolveTarget(host: string, selection: AddressSelection, context: ProbeContext): Promise<ResolvedAddress> {
  const hostDenied = context.policy.checkHost(host);
  if (hostDenied !== undefined) throw new ProbeError('policy', hostDenied);
  const started = performance.now();
  let chosen: { ip: string; family: 4 | 6 };
  const literal = normalizeIPLiteral(host);
  if (literal !== undefined) {
    chosen = pick(host, [{ address: literal.ip, family: literal.family }], selection);
  } else {
    context.logger.debug({ host, ip_protocol: selection.preferred_ip_protocol }, 'Resolving target address');
    const family = selection.ip_protocol_fallback ? 0 : selection.preferred_ip_protocol === 'ip4' ? 4 : 6;
    let addresses: { address: string; family: number }[];
    try {
      addresses = await raceAbort(lookup(host, { all: true, family, verbatim: true }), context.signal);
    } catch (error) {
      if (context.signal.aborted) throw new ProbeError('timeout', `resolving ${host} timed out`, { cause: error });
      throw new ProbeError('dns', `resolving ${host} failed: ${(error as Error).message}`, { cause: error });
    }
    chosen = pick(host, addresses, selection);
  }
  const addressDenied = context.policy.checkAddress(chosen.ip, host);
  if (addressDenied !== undefined) throw new ProbeError('policy', addressDenied);
  context.logger.debug({ host, ip: chosen.ip }, 'Resolved target address');
  return { ...chosen, lookupSeconds: (performance.now() - started) / 1000 };
}

/**
 * resolveTarget plus blackbox's three families: probe_dns_lookup_time_seconds always, and
 * probe_ip_protocol / probe_ip_addr_hash (0 when resolution failed).
 */
export async function chooseProtocol(
  host: string,
  selection: AddressSelection,
  sink: MetricSink,
  context: ProbeContext,
): Promise<ResolvedAddress> {
  const started = performance.now();
  try {
    const resolved = await resolveTarget(host, selection, context);
    sink.add(probeDNSLookupTimeSeconds, resolved.lookupSeconds);
    sink.add(probeIPProtocol, resolved.family);
    sink.add(probeIPAddrHash, ipHash(resolved.ip));
    return resolved;
  } catch (error) {
    sink.add(probeDNSLookupTimeSeconds, (performance.now() - started) / 1000);
    sink.add(probeIPProtocol, 0);
    sink.add(probeIPAddrHash, 0);
    throw error;
  }
}
