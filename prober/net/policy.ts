/**
 * Which targets may be probed. Checked on the host name before resolution and on every resolved
 * address (each redirect hop too), so `/probe` cannot be turned into a way to read cloud metadata.
 * Addresses are compared with ipaddr.js, IPv4-mapped IPv6 as IPv4, so `::ffff:169.254.169.254`
 * matches `169.254.0.0/16`, and IPv4 literals are read the way inet_aton reads them
 * (`2852039166`, `0xA9FEA9FE`, `0251.0376.0251.0376`), as the system resolver would. The
 * unspecified address counts as loopback, and IPv6 forms carrying an IPv4 address (NAT64, 6to4,
 * IPv4-compatible) as that address too; host names compare in punycode.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { parseTarget } from './host-port.js';

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
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/** Parses an IPv4 address in any form inet_aton accepts (1 to 4 parts, decimal, 0x hex or 0 octal). */
export function parseIPv4Literal(text: string): Uint8Array | undefined {
  return ipaddr.IPv4.isValid(text) ? Uint8Array.from(ipaddr.IPv4.parse(text).octets) : undefined;
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** An IP literal as an address (IPv4-mapped IPv6 as IPv4), or undefined for a name. */
export function parseAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = unbracket(host);
  // The usual spellings (every resolved address) skip ipaddr's trial parses, IPv6 first, done twice.
  if (isIPv4(bare)) return ipaddr.IPv4.parse(bare);
  if (isIPv6(bare)) {
    const address = ipaddr.IPv6.parse(bare);
    return address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
  }
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : undefined;
}

/**
 * The address a literal names, in the form sockets accept (`2852039166` → `169.254.169.254`),
 * or undefined when `host` is a name that needs DNS.
 */
export function normalizeIPLiteral(host: string): { ip: string; family: 4 | 6 } | undefined {
  const bare = unbracket(host);
  if (isIPv4(bare)) return { ip: bare, family: 4 };
  if (isIPv6(bare.split('%')[0] ?? '')) return { ip: bare, family: 6 };
  const v4 = parseIPv4Literal(bare);
  return v4 === undefined ? undefined : { ip: v4.join('.'), family: 4 };
}

function parseNetwork(text: string): Network {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  // Rules take only the usual spellings (isIPv4/isIPv6); inet_aton forms are for targets.
  if (!isIPv4(addressText) && !isIPv6(addressText)) throw new Error(`invalid network ${JSON.stringify(text)}: not an IP address or CIDR`);
  const address = ipaddr.parse(addressText);
  const maxBits = address.kind() === 'ipv4' ? 32 : 128;
  const prefix = slash >= 0 ? text.slice(slash + 1) : String(maxBits);
  if (!/^[0-9]+$/.test(prefix) || Number(prefix) > maxBits) throw new Error(`invalid network ${JSON.stringify(text)}: prefix must be 0-${maxBits}`);
  return { text, range: [address, Number(prefix)] };
}

/** IPv4 addresses also match IPv6 rules through their IPv4-mapped form (`::ffff:0:0/96`). */
function contains(network: Network, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  const [base, bits] = network.range;
  if (address.kind() === base.kind()) return address.match(base, bits);
  return address instanceof ipaddr.IPv4 && base instanceof ipaddr.IPv6 && address.toIPv4MappedAddress().match(base, bits);
}

const LOOPBACK = [ipaddr.parse('127.0.0.1'), ipaddr.parse('::1')];
const NAT64 = ipaddr.parse('64:ff9b::');
const SIX_TO_FOUR = ipaddr.parse('2002::');

/** The IPv4 address an IPv6 one carries: IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`). */
function embeddedIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (!(address instanceof ipaddr.IPv6)) return undefined;
  const bytes = address.toByteArray();
  const at = (offset: number): ipaddr.IPv4 => new ipaddr.IPv4(bytes.slice(offset, offset + 4));
  if (address.match(NAT64, 96)) return at(12);
  if (address.match(SIX_TO_FOUR, 16)) return at(2);
  const compatible = bytes.slice(0, 12).every((byte) => byte === 0) && address.range() !== 'unspecified' && address.range() !== 'loopback';
  return compatible ? at(12) : undefined;
}

/**
 * What a connection to `address` reaches, as the policy sees it: the unspecified address (`0.0.0.0`,
 * `::`) is this host, so loopback (either family: a dual-stack listener takes both); an IPv6 address carrying an IPv4 one reaches that one too.
 */
function reachedAddresses(address: ipaddr.IPv4 | ipaddr.IPv6): (ipaddr.IPv4 | ipaddr.IPv6)[] {
  if (address.range() === 'unspecified') return LOOPBACK;
  const embedded = embeddedIPv4(address);
  return embedded === undefined ? [address] : [address, ...reachedAddresses(embedded)];
}

/** Lower case, no trailing dot, IDN in punycode, so `bücher.example` and `xn--bcher-kva.example` are one name. */
function normalizeHostName(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return domainToASCII(lower) || lower;
}

function hostMatcher(pattern: string): (host: string) => boolean {
  if (pattern.startsWith('*.')) {
    const suffix = `.${normalizeHostName(pattern.slice(2))}`;
    return (host) => host.endsWith(suffix);
  }
  const wanted = normalizeHostName(pattern);
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
    const address = parseAddress(ip);
    if (address === undefined) return `${ip} is not an IP address`;
    const reached = reachedAddresses(address);
    const inNetwork = (network: Network): boolean => reached.some((each) => contains(network, each));
    const denied = deny.find(inNetwork);
    const what = ip === host ? `address ${ip}` : `address ${ip} of ${host}`;
    if (denied !== undefined) return `${what} is denied by the target policy (${denied.text})`;
    if (!restricted) return undefined;
    const name = normalizeHostName(host);
    if (allow.some(inNetwork) || allowHosts.some((rule) => rule.matches(name))) return undefined;
    return `${what} is not in the target policy's allow list`;
  };
  return { checkHost, checkAddress };
}

/** Link-local and metadata addresses denied, everything else (loopback included) allowed. */
export const DEFAULT_POLICY: TargetPolicy = createTargetPolicy();

/** The host part of a /probe target: a URL, `host:port`, `[v6]:port` or a bare host (throws InvalidTargetError). */
export function targetHost(target: string): string {
  return parseTarget(target).host;
}

/**
 * Checks a target before probing it, without DNS: its host name, and its address when the host
 * is a literal. Names are checked again on their resolved addresses during the probe. A malformed
 * target (a port outside 1–65535, bad percent-encoding) throws InvalidTargetError.
 */
export function checkTarget(target: string, policy: TargetPolicy = DEFAULT_POLICY): { allowed: true } | { allowed: false; reason: string } {
  const host = targetHost(target);
  const reason = policy.checkHost(host) ?? (parseAddress(host) !== undefined ? policy.checkAddress(normalizeIPLiteral(host)!.ip, host) : undefined);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}
