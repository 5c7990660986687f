/**
 * The grpc prober (blackbox's grpc.go): the standard grpc.health.v1.Health/Check call, over h2c
 * or TLS with ALPN h2. Success means the call returned OK with SERVING.
 */
import type { Socket } from 'node:net';
import { describeMetric, type MetricSink } from '../../common/metrics.js';
import type { Module } from '../module.js';
import { dial, type Endpoint } from '../net/dial.js';
import { parsePort, splitHostPort } from '../net/host-port.js';
import { chooseProtocol } from '../net/resolve.js';
import { addTLSMetrics, probeSSLEarliestCertExpiry, requireTrusted, startTLS } from '../net/tls.js';
import { ProbeError, type FailureReason, type ProbeContext, type ProbeFn } from '../types.js';
import { checkHealth, GRPC_DEADLINE_EXCEEDED, GRPC_OK, GRPC_UNAVAILABLE, type CheckResult } from './client.js';
import { SERVING_STATUSES } from './health-proto.js';

const probeGRPCDurationSeconds = describeMetric('probe_grpc_duration_seconds', 'Duration of gRPC request by phase', 'gauge', ['phase']);
const probeGRPCSSL = describeMetric('probe_grpc_ssl', 'Indicates if SSL was used for the connection', 'gauge');
const probeGRPCStatusCode = describeMetric('probe_grpc_status_code', 'Response gRPC status code', 'gauge');
const probeGRPCHealthCheckResponse = describeMetric('probe_grpc_healthcheck_response', 'Response HealthCheck response', 'gauge', [
  'serving_status',
]);

/** `[http[s]://]host[:port][/...]`; the port defaults to 443 with TLS and 80 without, as in blackbox. */
function targetAddress(target: string, tls: boolean): { host: string; port: number } {
  const authority = target.replace(/^https?:\/\//, '').split('/')[0] ?? '';
  let host: string;
  let portText: string;
  try {
    ({ host, port: portText } = splitHostPort(authority));
  } catch {
    host = authority.startsWith('[') && authority.endsWith(']') ? authority.slice(1, -1) : authority;
    portText = '';
  }
  const port = portText === '' ? (tls ? 443 : 80) : parsePort(portText);
  if (host === '' || port === undefined) throw new ProbeError('connect_error', `Could not parse target ${JSON.stringify(target)}`);
  return { host, port };
}

/** Series in the order Go's client library prints them (sorted by label value). */
const SERVING_STATUSES_SORTED = [...SERVING_STATUSES].sort();

interface Outcome {
  resolveSeconds: number;
  checkSeconds?: number;
  check?: CheckResult;
  tlsMetrics: boolean;
}

function addMetrics(sink: MetricSink, outcome: Outcome): void {
  if (outcome.checkSeconds !== undefined) sink.add(probeGRPCDurationSeconds, outcome.checkSeconds, ['check']);
  sink.add(probeGRPCDurationSeconds, outcome.resolveSeconds, ['resolve']);
  sink.add(probeGRPCSSL, outcome.tlsMetrics && outcome.check?.grpcStatus === GRPC_OK ? 1 : 0);
  sink.add(probeGRPCStatusCode, outcome.check?.grpcStatus ?? 0);
  if (outcome.check !== undefined) {
    const serving = outcome.check.servingStatus === undefined ? undefined : SERVING_STATUSES[outcome.check.servingStatus];
    for (const name of SERVING_STATUSES_SORTED) sink.add(probeGRPCHealthCheckResponse, serving === name ? 1 : 0, [name]);
  }
  // blackbox registers this gauge on every grpc probe: 0 unless a TLS handshake filled it.
  if (!outcome.tlsMetrics) sink.add(probeSSLEarliestCertExpiry, 0);
}

/** Connects (and handshakes); a failure becomes the gRPC status Go's client would report. */
async function open(
  endpoint: Endpoint,
  host: string,
  module: Module,
  sink: MetricSink,
  context: ProbeContext,
  outcome: Outcome,
): Promise<Socket> {
  const socket = await dial(endpoint, context.signal);
  const config = module.grpc;
  if (!config.tls) return socket;
  const secure = await startTLS(socket, config.tls_config, host, context.signal, ['h2']);
  addTLSMetrics(sink, secure);
  outcome.tlsMetrics = true;
  requireTrusted(secure, config.tls_config);
  if (secure.alpnProtocol !== 'h2') {
    secure.destroy();
    throw new ProbeError('tls', `the server did not negotiate h2 over TLS (ALPN ${String(secure.alpnProtocol)})`);
  }
  return secure;
}

export const probeGRPC: ProbeFn = async (target, module, sink, context) => {
  const config = module.grpc;
  const { logger } = context;
  const outcome: Outcome = { resolveSeconds: 0, tlsMetrics: false };
  let reason: FailureReason | undefined;
  try {
    const { host, port } = targetAddress(target, config.tls);
    const resolved = await chooseProtocol(host, config, sink, context);
    outcome.resolveSeconds = resolved.lookupSeconds;
    const checkStart = performance.now();
    try {
      logger.debug({ tls: config.tls }, config.tls ? 'Dialing GRPC with TLS' : 'Dialing GRPC without TLS');
      const socket = await open(
        { host: resolved.ip, family: resolved.family, port, sourceAddress: config.source_ip_address, label: `${resolved.ip} port ${port}` },
        host,
        module,
        sink,
        context,
        outcome,
      );
      const authority = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
      outcome.check = await checkHealth(socket, authority, config.service, context.signal);
      if (outcome.check.grpcStatus === GRPC_DEADLINE_EXCEEDED && context.signal.aborted) reason = 'timeout';
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error;
      reason = error.reason;
      const status = error.reason === 'timeout' ? GRPC_DEADLINE_EXCEEDED : GRPC_UNAVAILABLE;
      outcome.check = { grpcStatus: status, grpcMessage: error.message };
    }
    outcome.checkSeconds = (performance.now() - checkStart) / 1000;
    const { grpcStatus, grpcMessage, servingStatus } = outcome.check;
    const servingName = servingStatus === undefined ? undefined : (SERVING_STATUSES[servingStatus] ?? String(servingStatus));
    if (grpcStatus === GRPC_OK && servingStatus === 1) {
      logger.debug({ serving_status: servingName }, 'Health check succeeded');
      return;
    }
    throw new ProbeError(
      reason ?? 'grpc_status',
      `can't connect grpc server or service not serving: grpc_status=${grpcStatus} grpc_message=${JSON.stringify(grpcMessage)} serving_status=${servingName ?? 'none'}`,
    );
  } finally {
    addMetrics(sink, outcome);
  }
};
