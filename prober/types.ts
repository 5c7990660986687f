/** The prober's extension point: one function type, one folder per protocol (see protocols.ts). */
import type { Logger } from '../common/logging.js';
import type { MetricSink } from '../common/metrics.js';
import type { Module } from './module.js';
import type { TargetPolicy } from './net/policy.js';

/**
 * Bounded set of reasons a probe failed, exported as probe_failure_info{reason}.
 * Extend it here only; dashboards and alerts rely on the list being closed.
 */
export const FAILURE_REASONS = [
  'dns',
  'connect_refused',
  'connect_error',
  'timeout',
  'tls',
  'status_code',
  'http_version',
  'body_regex',
  'header_regex',
  'body_too_large',
  'ssl_required',
  'redirect',
  'policy',
  'query_response',
  'dns_rcode',
  'dns_answer',
  'icmp',
  'grpc_status',
  'protocol',
  'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface ProbeContext {
  /** Aborts when the probe's timeout is reached (or the caller gives up). */
  signal: AbortSignal;
  /** A child logger whose records also land in the debug output. */
  logger: Logger;
  /** Which addresses may be probed; checked on every resolved address (and redirect hop). */
  policy: TargetPolicy;
  /** How many /probe requests this probe is nested in (0 when nothing it probed started it); see PROBE_DEPTH_HEADER. */
  depth?: number;
}

/**
 * Sent on every http probe (the probe's depth + 1) and read by /probe, which refuses a request
 * at MAX_PROBE_DEPTH: a chain of probes through the prober's own /probe holds at most that many slots.
 */
export const PROBE_DEPTH_HEADER = 'x-platypus-probe-depth';
export const MAX_PROBE_DEPTH = 2;

/**
 * One protocol's probe: adds its families to `sink` and resolves when the target passed. The one
 * way to fail is to throw a `ProbeError` naming the reason (anything else thrown counts as
 * `internal`); probe() turns it into probe_success 0, probe_failure_info and the log line.
 */
export type ProbeFn = (target: string, module: Module, sink: MetricSink, context: ProbeContext) => Promise<void>;

/** A probe failure with a reason from FAILURE_REASONS; the message goes to the probe's log. */
export class ProbeError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeError';
  }
}

/** A request that cannot be probed as asked (/probe answers 400 with the message). */
export class ProbeRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeRequestError';
  }
}
