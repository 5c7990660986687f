/**
 * Which targets may be probed. Checked on the host name before resolution and on every resolved
 * address (each redirect hop too), so `/probe` cannot be turned into a way to read cloud metadata.
 * Addresses are compared as 16 bytes (IPv4 as IPv4-mapped IPv6), so `::ffff:169.254.169.254`
 * matches `169.254.0.0/16`, and IPv4 literals are read the way inet_aton reads them
 * (`2852039166`, `0xA9FEA9FE`, `0251.0376.0251.0376`), as the system resolver would.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface TargetPolicyOptions {
  /** CIDRs or addresses; when this or `allowHosts` is non-empty, only matching targets are probed. */
  allow?: readonly string[];
  /** Host name patterns (`example.com`, `*.example.com`) that are allowed whatever they resolve to, unless denied. */
  allowHosts?: readonly string[];
  /** CIDRs or addresses never probed; deny wins over allow. Default: DEFAULT_DENIED_NETWORKS. */
  deny?: readonly string[];
  /** Host name patterns never probed. Default: DEFAULT_DENIED_HOSTS. */
  denyHosts?: readonly string[];
}

export const DEFAULT_DENIED_NETWORKS: readonly string[] = Object.freeze([
  '169.254.0.0/16', // IPv4 link-local, includes the AWS/GCP/Azure metadata address 169.254.169.254
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
]);
export const DEFAULT_DENIED_HOSTS: readonly string[] = Object.freeze(['metadata.google.internal', 'metadata']);

export interface TargetPolicy {
  /** Why `host` (a name or literal, without port) may not be probed, or undefined when it may. */
  checkHost(host: string): string | undefined;
  /** Why the resolved `ip` of `host` may not be probed, or undefined when it may. */
  checkAddress(ip: string, host: string): string | undefined;
}

interface Network {
  text: string;
  bytes: Uint8Array;
  bits: number;
}

/** Parses an IPv4 address in any form inet_aton accepts (1 to 4 parts, decimal, 0x hex or 0 octal). */
export function parseIPv4Literal(text: string): Uint8Array | undefined {
  if (text === '' || text.endsWith('.')) return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = part.length === 1 ? 0 : parseInt(part.slice(1), 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    numbers.push(value);
  }
  const bytes = new Uint8Array(4);
  for (let i = 0; i < numbers.length - 1; i++) {
    const value = numbers[i]!;
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  // The last part fills every byte that is left (so "2852039166" is one 32-bit number).
  const restBytes = 4 - (numbers.length - 1);
  let last = numbers[numbers.length - 1]!;
  if (last >= 2 ** (8 * restBytes)) return undefined;
  for (let i = 3; i >= numbers.length - 1; i--) {
    bytes[i] = last % 256;
    last = Math.floor(last / 256);
  }
  return bytes;
}

function parseIPv6Literal(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const address = zone >= 0 ? text.slice(0, zone) : text;
  if (!isIPv6(address)) return undefined;
  let hex = address;
  const lastColon = hex.lastIndexOf(':');
  const tail = hex.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4Literal(tail);
    if (v4 === undefined) return undefined;
    hex = `${hex.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', rest] = hex.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

function mapped(v4: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(v4, 12);
  return bytes;
}

/** The 16-byte form of an IP literal (IPv4 forms as IPv4-mapped IPv6), or undefined for a name. */
export function ipBytes(host: string): Uint8Array | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const v4 = parseIPv4Literal(bare);
  if (v4 !== undefined) return mapped(v4);
  return parseIPv6Literal(bare);
}

/** The IPv4 bytes of an IPv4 or IPv4-mapped address, else undefined. */
export function embeddedIPv4(bytes: Uint8Array): Uint8Array | undefined {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  return bytes[10] === 0xff && bytes[11] === 0xff ? bytes.subarray(12) : undefined;
}

/**
 * The address a literal names, in the form sockets accept (`2852039166` → `169.254.169.254`),
 * or undefined when `host` is a name that needs DNS.
 */
export function normalizeIPLiteral(host: string): { ip: string; family: 4 | 6 } | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv4(bare)) return { ip: bare, family: 4 };
  if (isIPv6(bare.split('%')[0] ?? '')) return { ip: bare, family: 6 };
  const v4 = parseIPv4Literal(bare);
  return v4 === undefined ? undefined : { ip: v4.join('.'), family: 4 };
}

function parseNetwork(text: string): Network {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const isV4 = isIPv4(addressText);
  const bytes = isV4 ? mapped(parseIPv4Literal(addressText)!) : parseIPv6Literal(addressText);
  if (bytes === undefined || (!isV4 && !isIPv6(addressText))) throw new Error(`invalid network ${JSON.stringify(text)}: not an IP address or CIDR`);
  const maxBits = isV4 ? 32 : 128;
  const prefix = slash >= 0 ? text.slice(slash + 1) : String(maxBits);
  if (!/^[0-9]+$/.test(prefix) || Number(prefix) > maxBits) throw new Error(`invalid network ${JSON.stringify(text)}: prefix must be 0-${maxBits}`);
  return { text, bytes, bits: Number(prefix) + (isV4 ? 96 : 0) };
}

function contains(network: Network, address: Uint8Array): boolean {
  const fullBytes = network.bits >> 3;
  for (let i = 0; i < fullBytes; i++) if (network.bytes[i] !== address[i]) return false;
  const restBits = network.bits & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return ((network.bytes[fullBytes]! ^ address[fullBytes]!) & mask) === 0;
}

function normalizeHostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function hostMatcher(pattern: string): (host: string) => boolean {
  const wanted = normalizeHostName(pattern);
  if (wanted.startsWith('*.')) {
    const suffix = wanted.slice(1);
    return (host) => host.endsWith(suffix);
  }
  return (host) => host === wanted;
}

export function createTargetPolicy(options: TargetPolicyOptions = {}): TargetPolicy {
  const allow = (options.allow ?? []).map(parseNetwork);
  const deny = (options.deny ?? DEFAULT_DENIED_NETWORKS).map(parseNetwork);
  const allowHosts = (options.allowHosts ?? []).map((pattern) => ({ pattern, matches: hostMatcher(pattern) }));
  const denyHosts = (options.denyHosts ?? DEFAULT_DENIED_HOSTS).map((pattern) => ({ pattern, matches: hostMatcher(pattern) }));
  const restricted = allow.length > 0 || allowHosts.length > 0;

  const checkHost = (host: string): string | undefined => {
    const name = normalizeHostName(host);
    const denied = denyHosts.find((rule) => rule.matches(name));
    return denied === undefined ? undefined : `host ${host} is denied by the target policy (${denied.pattern})`;
  };
  const checkAddress = (ip: string, host: string): string | undefined => {
    const bytes = ipBytes(ip);
    if (bytes === undefined) return `${ip} is not an IP address`;
    const denied = deny.find((network) => contains(network, bytes));
    const what = ip === host ? `address ${ip}` : `address ${ip} of ${host}`;
    if (denied !== undefined) return `${what} is denied by the target policy (${denied.text})`;
    if (!restricted) return undefined;
    const name = normalizeHostName(host);
    if (allow.some((network) => contains(network, bytes)) || allowHosts.some((rule) => rule.matches(name))) return undefined;
    return `${what} is not in the target policy's allow list`;
  };
  return { checkHost, checkAddress };
}

/** Link-local and metadata addresses denied, everything else (loopback included) allowed. */
export const DEFAULT_POLICY: TargetPolicy = createTargetPolicy();

/** The host part of a /probe target: a URL, `host:port`, `[v6]:port` or a bare host. */
export function targetHost(target: string): string {
  const schemeEnd = target.indexOf('://');
  if (schemeEnd >= 0) {
    try {
      const hostname = new URL(target).hostname;
      return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    } catch {
      // Not a WHATWG URL (e.g. an IPv6 zone id): read the authority by hand.
      const authority = (target.slice(schemeEnd + 3).split(/[/?#]/)[0] ?? '').replace(/^.*@/, '');
      return targetHost(authority);
    }
  }
  if (target.startsWith('[')) return decodeURIComponent(target.slice(1, target.indexOf(']') >>> 0));
  if (isIPv6(target)) return target;
  return target.split(':')[0] ?? '';
}

/**
 * Checks a target before probing it, without DNS: its host name, and its address when the host
 * is a literal. Names are checked again on their resolved addresses during the probe.
 */
export function checkTarget(target: string, policy: TargetPolicy = DEFAULT_POLICY): { allowed: true } | { allowed: false; reason: string } {
  const host = targetHost(target);
  const reason = policy.checkHost(host) ?? (ipBytes(host) !== undefined ? policy.checkAddress(normalizeIPLiteral(host)!.ip, host) : undefined);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}
