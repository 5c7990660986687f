/**
 * probe(): one probe, start to finish, what /probe and the scheduler call. It never throws for a
 * failing target (that is probe_success 0) and always settles by its deadline, whatever the target
 * does; it throws only for a bad request (unknown module, conflicting hostname, bad timeout header).
 */
import { createRequire } from 'node:module';
import type { Metric, Registry } from 'prom-client';
import { isTimeout, raceAbort, withTimeout } from '../common/abort.js';
import { describeMetric, MetricFamilies, type MetricDesc, type MetricSink } from '../common/metrics.js';
import { silentLogger, type Logger } from '../common/logging.js';
import { defaultConfig, type Config } from './config.js';
import type { Module } from './module.js';
import { withinProbeBoundary } from './boundary.js';
import { logValue } from './log-value.js';
import { DEFAULT_POLICY, type TargetPolicy } from './net/policy.js';
import { probers, PROTOCOLS, type Protocol } from './protocols.js';
import { capturingLogger } from './probe-log.js';
import { computeTimeoutSeconds } from './deadline.js';
import { ProbeError, ProbeRequestError, type FailureReason, type ProbeContext, type ProbeFn } from './types.js';

export const probeSuccess = describeMetric('probe_success', 'Displays whether or not the probe was a success', 'gauge');
export const probeDurationSeconds = describeMetric('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', 'gauge');
export const probeFailureInfo = describeMetric(
  'probe_failure_info',
  'Why a failed probe failed, as one bounded reason (platypus extension; absent on success)',
  'gauge',
  ['reason'],
);

export const DEFAULT_MODULE_NAME = 'http_2xx';
const SILENT = silentLogger();
export const DEFAULT_TIMEOUT_OFFSET_SECONDS = 0.5;

export class UnknownModuleError extends ProbeRequestError {
  constructor(readonly moduleName: string) {
    super(`Unknown module ${JSON.stringify(moduleName)}`);
    this.name = 'UnknownModuleError';
  }
}

export interface ProbeOptions {
  /** URL for http, host:port for tcp/dns/grpc, host for icmp. */
  target: string;
  /** A module, or its name in `config` (default `http_2xx`). */
  module?: Module | string;
  /** Where module names are looked up (default: defaultConfig()). */
  config?: Config;
  /** Name shown in logs when `module` is an object. */
  moduleName?: string;
  /** X-Prometheus-Scrape-Timeout-Seconds (absent: 120 s). */
  scrapeTimeoutSeconds?: number | string;
  /** Subtracted from the scrape timeout (default 0.5, blackbox's --timeout-offset). */
  timeoutOffsetSeconds?: number;
  /** Host header and TLS server name for http probes (blackbox's `hostname` parameter); ignored by other probers. */
  hostname?: string;
  signal?: AbortSignal;
  /**
   * `signal` aborts (with a TimeoutError) after this many seconds, as the scheduler's does: when the
   * probe's own timeout is no shorter, probe() sets no timer and makes no signal of its own.
   */
  signalTimeoutSeconds?: number;
  logger?: Logger;
  policy?: TargetPolicy;
  /** Keep this probe's log lines (at debug level) in the result's `logs`. */
  debug?: boolean;
  /** The PROBE_DEPTH_HEADER of the /probe request that asked for this probe (default 0). */
  depth?: number;
}

export interface ProbeResult {
  success: boolean;
  durationSeconds: number;
  timeoutSeconds: number;
  failureReason?: FailureReason;
  families: MetricFamilies;
  /** A fresh prom-client Registry holding the families (built on each call). */
  registry(): Registry;
  /** The module as it ran (with the `hostname` parameter applied). */
  module: Module;
  /** The probe's log lines, logfmt, when `debug` was asked for. */
  logs?: string;
}

function resolveModule(options: ProbeOptions): { module: Module; name: string } {
  if (typeof options.module === 'object') return { module: options.module, name: options.moduleName ?? options.module.prober };
  const name = options.module ?? DEFAULT_MODULE_NAME;
  const module = (options.config ?? defaultConfig()).modules.get(name);
  if (module === undefined) throw new UnknownModuleError(name);
  return { module, name };
}

/** `module` with the `hostname` parameter applied, for the protocols whose table row takes one (blackbox: http only). */
function withHostname(module: Module, hostname: string | undefined): Module {
  const row: Protocol<object> = PROTOCOLS[module.prober];
  if (hostname === undefined || hostname === '' || row.withHostname === undefined) return module;
  return { ...module, [module.prober]: row.withHostname(module[module.prober], hostname) };
}

/**
 * prom-client (and the OpenTelemetry API it loads) is required only when a library caller asks for a
 * Registry: the prober and each probe worker never do, and save the ~5 MiB it takes once loaded.
 */
const requireOnDemand = createRequire(import.meta.url);

function buildRegistry(families: MetricFamilies): Registry {
  const { Registry: PromRegistry } = requireOnDemand('prom-client') as typeof import('prom-client');
  const registry = new PromRegistry();
  for (const { desc, samples } of families.families()) {
    const values = samples.map((sample) => ({
      value: sample.value,
      labels: Object.fromEntries(desc.labelNames.map((name, i) => [name, sample.labelValues[i] ?? ''])),
    }));
    // prom-client accepts any object with get(); the values are final, so no Gauge is needed.
    const metric = { name: desc.name, help: desc.help, type: desc.type, aggregator: 'sum', get: () => Promise.resolve({ ...metric, values }) };
    registry.registerMetric(metric as unknown as Metric);
  }
  return registry;
}

/**
 * After the deadline the prober has been told (its signal aborted); it gets this long to add its
 * last families (status code, phases so far) before probe() answers without them.
 */
const ABORT_GRACE_MS = 20;

/**
 * Runs one ProbeFn: resolves to undefined when the target passed, or to the failure (anything but
 * a ProbeError counts as `internal`), which is logged on the context's logger.
 */
export async function runProber(prober: ProbeFn, target: string, module: Module, sink: MetricSink, context: ProbeContext): Promise<ProbeError | undefined> {
  try {
    await prober(target, module, sink, context);
    return undefined;
  } catch (error) {
    if (error instanceof ProbeError) {
      context.logger.debug({ reason: error.reason }, error.message);
      return error;
    }
    context.logger.debug({ err: error as Error, reason: 'internal' }, 'Error during probe');
    return new ProbeError('internal', String(error), { cause: error });
  }
}

/** Families in name order, as Go's registry gathers them, so our text lines up with blackbox's. */
function sortByName(families: MetricFamilies): void {
  const sorted = [...families.byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  families.byName.clear();
  for (const [name, family] of sorted) families.byName.set(name, family);
}

/** Drops samples added after the probe settled (a prober still running past its deadline). */
class ClosableSink implements MetricSink {
  open = true;
  constructor(private readonly target: MetricSink) {}
  add(desc: MetricDesc, value: number, labelValues?: readonly string[]): void {
    if (this.open) this.target.add(desc, value, labelValues);
  }
}

export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const { module: configured, name: moduleName } = resolveModule(options);
  const module = withHostname(configured, options.hostname);
  const timeoutSeconds = computeTimeoutSeconds(
    options.scrapeTimeoutSeconds,
    module.timeout,
    options.timeoutOffsetSeconds ?? DEFAULT_TIMEOUT_OFFSET_SECONDS,
  );
  const prober = probers[module.prober];

  const bindings = { module: logValue(moduleName), target: logValue(options.target) };
  const parentLogger = options.logger ?? SILENT;
  const capture = options.debug === true ? capturingLogger(bindings) : undefined;
  // Probe steps log at debug level: without it, the bindings (a pino child per probe) are not worth making.
  const logger = capture?.logger ?? (parentLogger.isLevelEnabled('debug') ? parentLogger.child(bindings) : parentLogger);

  const families = new MetricFamilies();
  const sink = new ClosableSink(families);
  const signalIsDeadline = options.signal !== undefined && options.signalTimeoutSeconds !== undefined && options.signalTimeoutSeconds <= timeoutSeconds;
  const signal = signalIsDeadline ? options.signal! : withTimeout(timeoutSeconds * 1000, options.signal);
  const context: ProbeContext = { signal, logger, policy: options.policy ?? DEFAULT_POLICY, depth: options.depth ?? 0 };

  logger.debug({ probe: module.prober, timeout_seconds: timeoutSeconds }, 'Beginning probe');
  const started = performance.now();
  // runProber settles with the failure; only the boundary (a callback that threw) rejects.
  const running = withinProbeBoundary(bindings, () => runProber(prober, options.target, module, sink, context)).catch((error: unknown) => {
    const failure = error instanceof ProbeError ? error : new ProbeError('internal', String(error), { cause: error });
    logger.debug({ err: error as Error, reason: failure.reason }, failure.message);
    return failure;
  });
  let failure: ProbeError | undefined;
  try {
    failure = await raceAbort(running, signal);
  } catch (error) {
    await raceAbort(running, AbortSignal.timeout(ABORT_GRACE_MS)).catch(() => undefined);
    failure = new ProbeError('timeout', isTimeout(error) ? `probe timed out after ${timeoutSeconds}s` : 'probe cancelled by the caller');
    logger.debug({ reason: failure.reason }, failure.message);
  } finally {
    sink.open = false;
  }
  const durationSeconds = (performance.now() - started) / 1000;
  const success = failure === undefined;
  // A failure past the deadline (a refused socket, an aborted read) is the deadline's doing.
  const failureReason = failure === undefined ? undefined : signal.aborted ? 'timeout' : failure.reason;

  families.add(probeSuccess, success ? 1 : 0);
  families.add(probeDurationSeconds, durationSeconds);
  if (failureReason !== undefined) families.add(probeFailureInfo, 1, [failureReason]);
  sortByName(families);
  if (success) logger.debug({ duration_seconds: durationSeconds }, 'Probe succeeded');
  else logger.debug({ duration_seconds: durationSeconds, reason: failureReason }, 'Probe failed');
  if (capture !== undefined) {
    const level = success ? 'debug' : 'info';
    parentLogger[level]({ ...bindings, duration_seconds: durationSeconds, reason: failureReason }, success ? 'Probe succeeded' : 'Probe failed');
  }

  const result: ProbeResult = {
    success,
    durationSeconds,
    timeoutSeconds,
    families,
    registry: () => buildRegistry(families),
    module,
  };
  if (capture !== undefined) result.logs = capture.text();
  if (failureReason !== undefined) result.failureReason = failureReason;
  return result;
}
