/** Go's net.SplitHostPort, which blackbox's tcp, dns and grpc probers use to read their targets. */

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

/** A TCP/UDP port number from its text, or undefined when it is not one. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}
