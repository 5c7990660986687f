/**
 * Reading targets: Go's net.SplitHostPort (which blackbox's tcp, dns and grpc probers use), port
 * numbers, and parseTarget, the one reading of a target's host and port whatever its protocol, used
 * to refuse a malformed target before any socket is made.
 */
import { isIPv6 } from 'node:net';
import { ProbeRequestError } from '../types.js';

export interface HostPort {
  /** Without brackets. */
  host: string;
  /** As written; may be empty (`host:`), as in Go. */
  port: string;
}

/** Splits `host:port` or `[v6]:port`; throws with Go's wording when the port is missing. */
export function splitHostPort(target: string): HostPort {
  if (target.startsWith('[')) {
    const close = target.indexOf(']');
    if (close < 0) throw new Error(`address ${target}: missing ']' in address`);
    if (close === target.length - 1) throw new Error(`address ${target}: missing port in address`);
    if (target[close + 1] !== ':') throw new Error(`address ${target}: unexpected character after ']'`);
    return { host: target.slice(1, close), port: target.slice(close + 2) };
  }
  const colon = target.lastIndexOf(':');
  if (colon < 0) throw new Error(`address ${target}: missing port in address`);
  if (target.indexOf(':') !== colon) throw new Error(`address ${target}: too many colons in address`);
  return { host: target.slice(0, colon), port: target.slice(colon + 1) };
}

/** A TCP/UDP port a socket can connect to (1–65535) from its text, or undefined when it is not one. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** A target /probe or the scheduler cannot probe as written (an answer of 400, a config error). */
export class InvalidTargetError extends ProbeRequestError {
  constructor(target: string, why: string) {
    super(`Invalid target ${JSON.stringify(target)}: ${why}`);
    this.name = 'InvalidTargetError';
  }
}

export interface TargetEndpoint {
  /** Without brackets; a URL's host as WHATWG URL normalises it (IDN in punycode, `0x7f.1` as `127.0.0.1`). */
  host: string;
  /** The port written in the target, when there is one. */
  port?: number;
}

function checkedPort(target: string, text: string): number | undefined {
  if (text === '') return undefined;
  const port = parsePort(text);
  if (port === undefined) throw new InvalidTargetError(target, `port ${JSON.stringify(text)} is not a number from 1 to 65535`);
  return port;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address, with anything from `/`, `?` or `#` on ignored. */
function readAuthority(target: string, authority: string): TargetEndpoint {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new InvalidTargetError(target, "missing ']' in address");
    let host: string;
    try {
      host = decodeURIComponent(authority.slice(1, close)); // a zone id is written `%25eth0`
    } catch {
      throw new InvalidTargetError(target, 'malformed percent-encoding in the address');
    }
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new InvalidTargetError(target, "unexpected character after ']'");
    return { host, port: checkedPort(target, rest.slice(1)) };
  }
  if (isIPv6(authority.split('%')[0] ?? '')) return { host: authority };
  const colon = authority.indexOf(':');
  // More than one colon is no address at all; the probe itself reports it.
  if (colon < 0 || authority.indexOf(':', colon + 1) >= 0) return { host: colon < 0 ? authority : authority.slice(0, colon) };
  return { host: authority.slice(0, colon), port: checkedPort(target, authority.slice(colon + 1)) };
}

/**
 * The host and written port of a target in any protocol's form (a URL, `host:port`, `[v6]:port`,
 * a bare host); throws InvalidTargetError for a port outside 1–65535 or a malformed address.
 */
export function parseTarget(target: string): TargetEndpoint {
  const schemeEnd = target.indexOf('://');
  if (schemeEnd >= 0) {
    const authority = (target.slice(schemeEnd + 3).split(/[/?#]/)[0] ?? '').replace(/^.*@/, '');
    const written = readAuthority(target, authority);
    try {
      const hostname = new URL(target).hostname;
      return { ...written, host: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname };
    } catch {
      return written; // not a WHATWG URL (e.g. an IPv6 zone id): the authority as written
    }
  }
  return readAuthority(target, target.split(/[/?#]/)[0] ?? '');
}
