/** The one way a probe opens a TCP connection: bounded by the probe's deadline, failures as ProbeErrors. */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { ProbeError } from '../types.js';

export interface Endpoint {
  /** An address, or a name (a proxy) that the connection resolves itself. */
  host: string;
  port: number;
  family?: 4 | 6;
  sourceAddress?: string;
  noDelay?: boolean;
  /** How failures name the endpoint (default `host:port`). */
  label?: string;
}

/**
 * Opens a TCP connection; rejects with a ProbeError: connect_refused, connect_error, or timeout
 * when `signal` aborts first. The socket is destroyed on failure.
 */
export async function dial(endpoint: Endpoint, signal: AbortSignal): Promise<Socket> {
  const where = endpoint.label ?? `${endpoint.host}:${endpoint.port}`;
  const socket = connect({
    host: endpoint.host,
    port: endpoint.port,
    family: endpoint.family,
    localAddress: endpoint.sourceAddress,
    noDelay: endpoint.noDelay,
  });
  try {
    await once(socket, 'connect', { signal });
    return socket;
  } catch (error) {
    socket.destroy();
    if (signal.aborted) throw new ProbeError('timeout', `connecting to ${where} timed out`);
    const reason = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'connect_refused' : 'connect_error';
    throw new ProbeError(reason, `connecting to ${where} failed: ${(error as Error).message}`, { cause: error });
  }
}
