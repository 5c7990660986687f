/**
 * The tcp prober (blackbox's tcp.go): connect to `host:port` at the chosen address, optionally
 * TLS from the first byte, then the query_response dialogue.
 */
import { connect, type Socket } from 'node:net';
import { describeMetric, type MetricSink } from '../common/metrics.js';
import { parsePort, splitHostPort } from './host-port.js';
import type { Module } from './module.js';
import { runQueryResponse } from './query-response.js';
import { chooseProtocol } from './resolve.js';
import { addTLSMetrics, startTLS, verificationError } from './tls.js';
import { ProbeError, type ProbeContext } from './types.js';

const probeFailedDueToRegex = describeMetric('probe_failed_due_to_regex', 'Indicates if probe failed due to regex', 'gauge');

export interface Endpoint {
  ip: string;
  family: 4 | 6;
  port: number;
  sourceAddress?: string;
}

/**
 * Opens a TCP connection; rejects with a ProbeError: connect_refused, connect_error, or timeout
 * when `signal` aborts first. The socket is destroyed on failure.
 */
export function connectTCP(endpoint: Endpoint, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: endpoint.ip, port: endpoint.port, family: endpoint.family, localAddress: endpoint.sourceAddress });
    const cleanup = (): void => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(new ProbeError('timeout', `connecting to ${endpoint.ip} port ${endpoint.port} timed out`));
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      cleanup();
      socket.destroy();
      const reason = error.code === 'ECONNREFUSED' ? 'connect_refused' : 'connect_error';
      reject(new ProbeError(reason, `connecting to ${endpoint.ip} port ${endpoint.port} failed: ${error.message}`, { cause: error }));
    };
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

export async function probeTCP(target: string, module: Module, sink: MetricSink, context: ProbeContext): Promise<boolean> {
  const config = module.tcp;
  const { logger, signal } = context;
  let failedDueToRegex = false;
  let socket: Socket | undefined;
  try {
    let host: string;
    let port: number | undefined;
    try {
      const split = splitHostPort(target);
      host = split.host;
      port = parsePort(split.port);
      if (port === undefined) throw new Error(`address ${target}: invalid port`);
    } catch (error) {
      throw new ProbeError('connect_error', `Error splitting target address and port: ${(error as Error).message}`);
    }
    const resolved = await chooseProtocol(host, config, sink, context);
    logger.info({ tls: config.tls }, config.tls ? 'Dialing TCP with TLS' : 'Dialing TCP without TLS');
    socket = await connectTCP({ ip: resolved.ip, family: resolved.family, port, sourceAddress: config.source_ip_address }, signal);
    if (config.tls) {
      const secure = await startTLS(socket, config.tls_config, host, signal);
      socket = secure;
      addTLSMetrics(sink, secure);
      const untrusted = verificationError(secure, config.tls_config);
      if (untrusted !== undefined) throw new ProbeError('tls', untrusted);
    }
    logger.info('Successfully dialed');
    const dialogue = await runQueryResponse(socket, config.query_response, config.tls_config, host, sink, context);
    socket = dialogue.socket;
    failedDueToRegex = dialogue.failedDueToRegex;
    return dialogue.success;
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    logger.error({ reason: error.reason }, error.message);
    context.fail(error.reason);
    return false;
  } finally {
    socket?.destroy();
    sink.add(probeFailedDueToRegex, failedDueToRegex ? 1 : 0);
  }
}
