/**
 * probe(): one probe, start to finish, what /probe and the scheduler call. It never throws for a
 * failing target (that is probe_success 0) and always settles by its deadline, whatever the target
 * does; it throws only for a bad request (unknown module, conflicting hostname, bad timeout header).
 */
import { Registry, type Metric } from 'prom-client';
import { describeMetric, MetricFamilies, renderText, type MetricDesc, type MetricSink } from '../common/metrics.js';
import { silentLogger, type Logger } from '../common/logging.js';
import { defaultConfig, type Config } from './config.js';
import { capturingLogger, debugOutput as renderDebugOutput } from './debug.js';
import type { Module } from './module.js';
import { DEFAULT_POLICY, type TargetPolicy } from './policy.js';
import { probers } from './probers.js';
import { computeTimeoutSeconds } from './timeout.js';
import { ProbeError, type FailureReason, type ProbeContext } from './types.js';

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

/** A request that cannot be probed as asked (/probe answers 400 with the message). */
export class ProbeRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeRequestError';
  }
}

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
  logger?: Logger;
  policy?: TargetPolicy;
  /** Keep this probe's log lines (at debug level) for debugOutput(). */
  debug?: boolean;
}

export interface ProbeResult {
  success: boolean;
  durationSeconds: number;
  timeoutSeconds: number;
  failureReason?: FailureReason;
  families: MetricFamilies;
  /** A fresh prom-client Registry holding the families (built on each call). */
  registry(): Registry;
  debugOutput(): string;
}

function resolveModule(options: ProbeOptions): { module: Module; name: string } {
  if (typeof options.module === 'object') return { module: options.module, name: options.moduleName ?? options.module.prober };
  const name = options.module ?? DEFAULT_MODULE_NAME;
  const module = (options.config ?? defaultConfig()).modules.get(name);
  if (module === undefined) throw new UnknownModuleError(name);
  return { module, name };
}

/** A copy of `module` whose HTTP requests carry `hostname` as Host header and TLS server name. */
function withHostname(module: Module, hostname: string): Module {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(module.http.headers)) {
    if (name.toLowerCase() === 'host' && value !== hostname) {
      throw new ProbeRequestError(`Host header defined both in module configuration (${value}) and with URL-parameter 'hostname' (${hostname})`);
    }
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  headers.Host = hostname;
  const tls_config = { ...module.http.tls_config, server_name: module.http.tls_config.server_name ?? hostname };
  return { ...module, http: { ...module.http, headers, tls_config } };
}

function buildRegistry(families: MetricFamilies): Registry {
  const registry = new Registry();
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

function settleWithin(running: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    running.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
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
  // As blackbox: `hostname` only means something to http modules.
  const module = options.hostname === undefined || options.hostname === '' || configured.prober !== 'http' ? configured : withHostname(configured, options.hostname);
  const timeoutSeconds = computeTimeoutSeconds(
    options.scrapeTimeoutSeconds,
    module.timeout,
    options.timeoutOffsetSeconds ?? DEFAULT_TIMEOUT_OFFSET_SECONDS,
  );
  const prober = probers[module.prober];

  const bindings = { module: moduleName, target: options.target };
  const parentLogger = options.logger ?? SILENT;
  const capture = options.debug === true ? capturingLogger(bindings) : undefined;
  // Probe steps log at debug level: without it, the bindings (a pino child per probe) are not worth making.
  const logger = capture?.logger ?? (parentLogger.isLevelEnabled('debug') ? parentLogger.child(bindings) : parentLogger);

  const families = new MetricFamilies();
  const sink = new ClosableSink(families);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new ProbeError('timeout', `probe timed out after ${timeoutSeconds}s`));
  }, timeoutSeconds * 1000);
  const onCallerAbort = (): void => controller.abort(new ProbeError('timeout', 'probe cancelled by the caller'));
  if (options.signal?.aborted === true) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  let recordedReason: FailureReason | undefined;
  let settled = false;
  const context: ProbeContext = {
    signal: controller.signal,
    logger,
    policy: options.policy ?? DEFAULT_POLICY,
    fail: (reason) => {
      if (!settled && recordedReason === undefined) recordedReason = reason;
    },
  };

  logger.debug({ probe: module.prober, timeout_seconds: timeoutSeconds }, 'Beginning probe');
  const started = performance.now();
  let success = false;
  let thrownReason: FailureReason | undefined;
  let running: Promise<boolean> | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(controller.signal.reason as Error);
      if (controller.signal.aborted) onAbort();
      else controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    deadline.catch(() => undefined);
    running = prober(options.target, module, sink, context);
    success = await Promise.race([running, deadline]);
  } catch (error) {
    if (controller.signal.aborted && running !== undefined) await settleWithin(running, ABORT_GRACE_MS);
    success = false;
    thrownReason = error instanceof ProbeError ? error.reason : 'internal';
    logger.debug({ err: error as Error }, 'Error during probe');
  } finally {
    settled = true;
    sink.open = false;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
  const durationSeconds = (performance.now() - started) / 1000;
  const failureReason = success ? undefined : timedOut ? 'timeout' : (recordedReason ?? thrownReason ?? 'internal');

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
    debugOutput: () => renderDebugOutput(capture?.text() ?? '', renderText(families.families()), module),
  };
  if (failureReason !== undefined) result.failureReason = failureReason;
  return result;
}
