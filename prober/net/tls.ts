/**
 * TLS for every prober: the client handshake (verification done here, after the handshake, so an
 * invalid certificate's expiry can still be reported) and blackbox's TLS families, read from the
 * peer certificate chain.
 */
import { once } from 'node:events';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type DetailedPeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import { describeMetric, type MetricSink } from '../../common/metrics.js';
import { ProbeError } from '../types.js';
import type { TLSConfig, TLSVersion } from './config.js';

export const probeSSLEarliestCertExpiry = describeMetric(
  'probe_ssl_earliest_cert_expiry',
  'Returns last SSL chain expiry in unixtime',
  'gauge',
);
const probeSSLLastChainExpiry = describeMetric(
  'probe_ssl_last_chain_expiry_timestamp_seconds',
  'Returns last SSL chain expiry in timestamp',
  'gauge',
);
// Label names in Go's output order (sorted), so the text matches blackbox's line for line.
const probeSSLLastChainInfo = describeMetric('probe_ssl_last_chain_info', 'Contains SSL leaf certificate information', 'gauge', [
  'fingerprint_sha256',
  'issuer',
  'subject',
  'subjectalternative',
]);
const probeTLSVersionInfo = describeMetric('probe_tls_version_info', 'Returns the TLS version used or NaN when unknown', 'gauge', [
  'version',
]);

/** Go's zero time.Time as a Unix timestamp: what blackbox reports for an unverified chain. */
const GO_ZERO_TIME_SECONDS = -62135596800;

const SECURE_VERSIONS: Record<TLSVersion, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Node's `TLSv1.2` → blackbox's `TLS 1.2`. */
export function tlsVersionLabel(protocol: string | null): string {
  if (protocol === null) return 'unknown';
  return protocol.replace(/^TLSv(\d)$/, 'TLS $1.0').replace(/^TLSv/, 'TLS ');
}

/** What the TLS families are made of, taken right after the handshake (a closed socket has no peer). */
export interface TLSState {
  /** Leaf first, each certificate once. */
  chain: DetailedPeerCertificate[];
  authorized: boolean;
  /** Node's name, e.g. `TLSv1.3`. */
  protocol: string | null;
}

export function tlsState(socket: TLSSocket): TLSState {
  return { chain: peerChain(socket), authorized: socket.authorized, protocol: socket.getProtocol() };
}

/** The chain as Node gives it, leaf first, each certificate once. */
function peerChain(socket: TLSSocket): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | null | undefined = socket.getPeerCertificate(true);
  while (cert !== undefined && cert !== null && cert.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  return chain;
}

function notAfterSeconds(cert: DetailedPeerCertificate): number {
  return Date.parse(cert.valid_to) / 1000;
}

// Go's pkix.Name.String(): most specific attribute first, RFC 2253 escaping.
const DN_ORDER: readonly [string, string][] = [
  ['serialNumber', 'SERIALNUMBER'],
  ['CN', 'CN'],
  ['OU', 'OU'],
  ['O', 'O'],
  ['postalCode', 'POSTALCODE'],
  ['street', 'STREET'],
  ['L', 'L'],
  ['ST', 'ST'],
  ['C', 'C'],
];

function escapeDN(value: string): string {
  return value.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

export function distinguishedName(name: Readonly<Record<string, string | string[] | undefined>> | undefined): string {
  if (name === undefined) return '';
  const parts: string[] = [];
  for (const [key, label] of DN_ORDER) {
    const value = name[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    parts.push(values.map((v) => `${label}=${escapeDN(v)}`).join('+'));
  }
  return parts.join(',');
}

/** DNS names from subjectAltName, comma-joined (blackbox's `subjectalternative`). */
function dnsNames(cert: DetailedPeerCertificate): string {
  if (cert.subjectaltname === undefined) return '';
  return cert.subjectaltname
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).replace(/^"(.*)"$/, '$1'))
    .join(',');
}

/**
 * Adds blackbox's TLS families for a finished handshake (see tlsState). The last-chain expiry is over the
 * verified chain Node reports (one chain, not Go's list); blackbox's zero time when unverified.
 */
export function addTLSMetrics(sink: MetricSink, from: TLSSocket | TLSState): void {
  const state = 'chain' in from ? from : tlsState(from);
  const { chain } = state;
  const leaf = chain[0];
  if (leaf !== undefined) {
    sink.add(probeSSLEarliestCertExpiry, Math.min(...chain.map(notAfterSeconds)));
    sink.add(probeSSLLastChainExpiry, state.authorized ? Math.min(...chain.map(notAfterSeconds)) : GO_ZERO_TIME_SECONDS);
    sink.add(probeSSLLastChainInfo, 1, [
      leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
      distinguishedName(leaf.issuer as unknown as Record<string, string | string[]>),
      distinguishedName(leaf.subject as unknown as Record<string, string | string[]>),
      dnsNames(leaf),
    ]);
  }
  sink.add(probeTLSVersionInfo, 1, [tlsVersionLabel(state.protocol)]);
}

/** Throws ProbeError('tls') and destroys the socket when the peer is not trusted under `config` (chain or name). */
export function requireTrusted(socket: TLSSocket, config: TLSConfig, context = ''): void {
  if (config.insecure_skip_verify || socket.authorized) return;
  socket.destroy();
  throw new ProbeError('tls', `${context}certificate verification failed: ${String(socket.authorizationError ?? 'unknown error')}`);
}

/** Node TLS options for `config`; verification is left to requireTrusted(). */
function tlsOptions(config: TLSConfig, host: string, alpn?: string[]): ConnectionOptions {
  const serverName = config.server_name ?? host;
  const options: ConnectionOptions = {
    rejectUnauthorized: false,
    host: serverName,
    ca: config.ca,
    cert: config.cert,
    key: config.key,
  };
  if (isIP(serverName) === 0 && serverName !== '') options.servername = serverName;
  if (config.min_version !== undefined) options.minVersion = SECURE_VERSIONS[config.min_version];
  if (config.max_version !== undefined) options.maxVersion = SECURE_VERSIONS[config.max_version];
  if (alpn !== undefined) options.ALPNProtocols = alpn;
  return options;
}

/**
 * Runs a client handshake over a connected socket. Resolves once the handshake is done, whether
 * or not the peer is trusted (check requireTrusted); rejects with a ProbeError('tls') when the
 * handshake fails, or 'timeout' when `signal` aborts first. The socket is destroyed on failure.
 */
export async function startTLS(socket: Socket, config: TLSConfig, host: string, signal: AbortSignal, alpn?: string[]): Promise<TLSSocket> {
  const secure = tlsConnect({ ...tlsOptions(config, host, alpn), socket });
  try {
    await once(secure, 'secureConnect', { signal });
    return secure;
  } catch (error) {
    secure.destroy();
    if (signal.aborted) throw new ProbeError('timeout', 'TLS handshake timed out');
    throw new ProbeError('tls', `TLS handshake failed: ${(error as Error).message}`, { cause: error });
  }
}
