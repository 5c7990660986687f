/**
 * The tcp prober (blackbox's tcp.go): connect to `host:port` at the chosen address, optionally
 * TLS from the first byte, then the query_response dialogue.
 */
import type { Socket } from 'node:net';
import { describeMetric } from '../../common/metrics.js';
import { dial } from '../net/dial.js';
import { parsePort, splitHostPort } from '../net/host-port.js';
import { chooseProtocol } from '../net/resolve.js';
import { addTLSMetrics, requireTrusted, startTLS } from '../net/tls.js';
import { ProbeError, type ProbeFn } from '../types.js';
import { runQueryResponse } from './query-response.js';

const probeFailedDueToRegex = describeMetric('probe_failed_due_to_regex', 'Indicates if probe failed due to regex', 'gauge');

function targetAddress(target: string): { host: string; port: number } {
  try {
    const { host, port: text } = splitHostPort(target);
    const port = parsePort(text);
    if (port === undefined) throw new Error(`address ${target}: invalid port`);
    return { host, port };
  } catch (error) {
    throw new ProbeError('connect_error', `Error splitting target address and port: ${(error as Error).message}`);
  }
}

export const probeTCP: ProbeFn = async (target, module, sink, context) => {
  const config = module.tcp;
  const { logger, signal } = context;
  const dialogue = { socket: undefined as Socket | undefined, failedDueToRegex: false };
  try {
    const { host, port } = targetAddress(target);
    const resolved = await chooseProtocol(host, config, sink, context);
    logger.info({ tls: config.tls }, config.tls ? 'Dialing TCP with TLS' : 'Dialing TCP without TLS');
    dialogue.socket = await dial(
      { host: resolved.ip, family: resolved.family, port, sourceAddress: config.source_ip_address, label: `${resolved.ip} port ${port}` },
      signal,
    );
    if (config.tls) {
      const secure = await startTLS(dialogue.socket, config.tls_config, host, signal);
      dialogue.socket = secure;
      addTLSMetrics(sink, secure);
      requireTrusted(secure, config.tls_config);
    }
    logger.info('Successfully dialed');
    await runQueryResponse(dialogue as { socket: Socket; failedDueToRegex: boolean }, config.query_response, config.tls_config, host, sink, context);
  } finally {
    dialogue.socket?.destroy();
    sink.add(probeFailedDueToRegex, dialogue.failedDueToRegex ? 1 : 0);
  }
};
