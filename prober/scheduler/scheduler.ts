/**
 * The prober's own scheduler: checks every target of the `scheduler:` config section at its
 * group's interval, with retries before a check counts as failed. One due-time heap and one timer
 * drive all targets; a global bound limits probe attempts in flight.
 *
 * Timing: checks run at `phase + k·interval`, the phase a stable hash of the target's labels, so
 * targets spread over the interval and keep their slot across restarts. A target's first check runs
 * as soon as it appears (start, reload, file_sd change), unless more targets appear at once than
 * `max_concurrent_checks` can run: then each waits for its first slot, so a large list starts
 * spread over its first interval instead of as one queue. A slot that comes while the
 * target's previous check is still running is skipped (and counted), so one target never has two
 * checks at once. An attempt that outlives its timeout is abandoned as failed.
 *
 * With a shard (`scheduler.shard`, `--scheduler.shard=i/n`) only the listed targets whose address
 * hashes to it are kept; the rest are counted as listed and never checked here.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../common/logging.js';
import { constLabelText, MetricFamilies } from '../../common/metrics.js';
import type { SchedulerConfig, SchedulerGroup } from './config-section.js';
import { DueQueue } from './due-queue.js';
import { firstValue, flatten, type FlatFamilies } from './family-codec.js';
import { probeDurationSeconds, probeFailureInfo, probeSuccess } from '../probe.js';
import type { FailureReason } from '../types.js';
import { schedulerMetricChunks, type ExpositionFormat } from './metrics.js';
import { ShapeTable, SUMMARY_FAMILIES } from './result-shape.js';
import { owns, WHOLE_LIST, type Shard } from './shard.js';
import { targetLabels, TargetState, type TargetStatus } from './state.js';
import { TargetSource, type TargetSpec } from './targets.js';

export interface ProbeRequest {
  target: string;
  module: string;
  timeoutSeconds: number;
  /** Aborted at the timeout, or when the scheduler stops. */
  signal: AbortSignal;
}

export interface ProbeOutcome {
  success: boolean;
  durationSeconds: number;
  failureReason?: string;
  /** The probe's metric families (blackbox names), exported under the target's labels. */
  families: MetricFamilies;
  /** The same families in flat form when the probe has them so (a probe worker's answer): stored from it as they are. */
  flat?: FlatFamilies;
}

/** Runs one probe; the prober's real `probe()` behind an adapter, or anything with this shape. */
export type CheckProbe = (request: ProbeRequest) => Promise<ProbeOutcome>;

export interface SchedulerOptions {
  probe: CheckProbe;
  logger?: Logger;
  /** Overrides the config's `location` (the `--location` flag). */
  location?: string;
  /** Overrides the config's `shard` (the `--scheduler.shard` flag). */
  shard?: Shard;
  /**
   * false: of each target's probe families only SUMMARY_FAMILIES are kept and exported
   * (`--no-scheduler.probe-details`); the phases, status code, TLS and other details are dropped.
   */
  probeDetails?: boolean;
  /**
   * Whether a target (its series labels) is inside a maintenance window now: its failed checks
   * then count as maintenance, not as down, in its availability.
   */
  inMaintenance?: (labels: Readonly<Record<string, string>>) => boolean;
}

export interface SchedulerStats {
  /** Targets this prober checks (its shard's share of the listed ones). */
  targets: number;
  /** Targets in the lists, each label set once, before the shard's share is taken. */
  listed: number;
  inFlight: number;
  queued: number;
  skipped: number;
  checksCompleted: number;
  /**
   * Delay between a check's slot and its first attempt's start, in seconds: quantiles over the last
   * 4096 slotted checks (`samples` of them), sum and count over all since start.
   */
  startDelay: { p50: number; p99: number; samples: number; sum: number; count: number };
}

/** How long an aborted probe gets to hand back its own (failed) result before it is abandoned. */
const ABORT_GRACE_MS = 50;
const DELAY_SAMPLES = 4096;

export class Scheduler {
  private config: SchedulerConfig | undefined;
  private states = new Map<string, TargetState>();
  private readonly queue = new DueQueue<TargetState>();
  private readonly shapes: ShapeTable;
  private readonly source: TargetSource;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly stopController = new AbortController();
  private readonly attemptControllers = new Set<AbortController>();
  private readonly running = new Set<Promise<void>>();
  /** Checks waiting for a concurrency slot (FIFO). */
  private waiting: (() => void)[] = [];
  private waitingHead = 0;
  private inFlight = 0;
  private skipped = 0;
  private listed = 0;
  private checksCompleted = 0;
  private readonly delays = new Float64Array(DELAY_SAMPLES);
  private delayCount = 0;
  private delaySum = 0;
  /** Bumped on every change a reader can see; lets the status API cache its answer. */
  version = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.logger = options.logger ?? silentLogger();
    this.shapes = new ShapeTable(options.probeDetails === false ? SUMMARY_FAMILIES : undefined);
    // Every retry wait listens on the stop signal; thousands may wait at once.
    setMaxListeners(0, this.stopController.signal);
    this.source = new TargetSource({ logger: this.logger, onChange: () => this.applyTargets() });
  }

  get location(): string | undefined {
    // An empty flag value means "not set": no series may carry an empty label.
    return this.options.location || this.config?.location;
  }

  /** This prober's share of the list: the flag's, else the config's, else the whole list. */
  get shard(): Shard {
    return this.options.shard ?? this.config?.shard ?? WHOLE_LIST;
  }

  /** Loads the targets and starts checking them. */
  async start(config: SchedulerConfig): Promise<void> {
    await this.reload(config);
  }

  /** Takes a new config; targets whose labels did not change keep their state and history. */
  async reload(config: SchedulerConfig): Promise<void> {
    if (this.stopped) throw new Error('scheduler is stopped');
    this.config = config;
    await this.source.setConfig(config);
    this.applyTargets();
    // A larger bound frees waiting checks now rather than at the next release.
    while (this.waitingHead < this.waiting.length && this.inFlight < config.max_concurrent_checks) {
      this.inFlight++;
      this.nextWaiting()();
    }
  }

  /** Stops the timer and watchers, aborts running probes and waits for every check to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source.close();
    this.stopController.abort();
    for (const controller of this.attemptControllers) controller.abort();
    // Woken checks see `stopped` and give their slot straight back.
    while (this.waitingHead < this.waiting.length) {
      this.inFlight++;
      this.nextWaiting()();
    }
    await Promise.allSettled([...this.running]);
  }

  targets(): IterableIterator<TargetState> {
    return this.states.values();
  }

  stats(): SchedulerStats {
    const count = Math.min(this.delayCount, DELAY_SAMPLES);
    const sorted = this.delays.slice(0, count).sort();
    const quantile = (q: number): number => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.floor(q * count))]!);
    return {
      targets: this.states.size,
      listed: this.listed,
      inFlight: this.inFlight,
      queued: this.waiting.length - this.waitingHead,
      skipped: this.skipped,
      checksCompleted: this.checksCompleted,
      startDelay: { p50: quantile(0.5), p99: quantile(0.99), samples: count, sum: this.delaySum, count: this.delayCount },
    };
  }

  renderMetrics(format: ExpositionFormat = 'text'): string {
    return [...this.metricChunks(format)].join('');
  }

  /** The same as renderMetrics(), in chunks of a few hundred targets, for streaming a large list. */
  metricChunks(format: ExpositionFormat = 'text'): Iterable<string> {
    return schedulerMetricChunks(this.states.values(), this.shapes, this.stats(), this.shard, this.location, format);
  }

  private applyTargets(): void {
    if (this.stopped) return;
    const location = this.location;
    const shard = this.shard;
    const next = new Map<string, TargetState>();
    const listed = new Set<string>();
    const now = Date.now();
    const added: TargetState[] = [];
    let duplicates = 0;
    for (const spec of this.source.targets()) {
      const key = constLabelText(targetLabels(spec, location));
      if (listed.has(key)) {
        duplicates++;
        continue;
      }
      listed.add(key);
      if (!owns(shard, spec.target)) continue;
      const existing = this.states.get(key);
      if (existing !== undefined) {
        next.set(key, this.updateTarget(existing, spec, now));
        continue;
      }
      const state = new TargetState(spec, location);
      added.push(state);
      next.set(key, state);
    }
    const atOnce = added.length <= (this.config?.max_concurrent_checks ?? 1);
    for (const state of added) {
      state.nextDue = atOnce ? now : this.firstSlotFrom(state, now);
      this.queue.push(state);
    }
    for (const [key, state] of this.states) {
      if (next.has(key)) continue;
      state.removed = true;
      this.queue.remove(state);
      this.shapes.release(state.shape);
      state.shape = undefined;
    }
    if (duplicates > 0) this.logger.warn({ duplicates }, 'targets listed more than once with the same labels are checked once');
    this.states = next;
    this.listed = listed.size;
    this.version++;
    this.arm();
  }

  private updateTarget(state: TargetState, spec: TargetSpec, now: number): TargetState {
    const intervalChanged = state.spec.group.interval !== spec.group.interval;
    state.spec = spec;
    if (intervalChanged && state.lastCheckMs !== undefined) {
      state.nextDue = this.nextSlot(state, now);
      this.queue.update(state);
    }
    return state;
  }

  /** The first slot of the target at or after `from`: phase + k·interval. */
  private firstSlotFrom(state: TargetState, from: number): number {
    return this.nextSlot(state, from - 1);
  }

  /** The first slot of the target strictly after `after`: phase + k·interval. */
  private nextSlot(state: TargetState, after: number): number {
    const interval = state.spec.group.interval * 1000;
    const phase = state.phase * interval;
    return Math.floor((after - phase) / interval) * interval + phase + interval;
  }

  private arm(): void {
    const top = this.queue.peek();
    if (top === undefined || this.stopped) return;
    if (this.timer !== undefined && this.timerAt <= top.nextDue) return;
    clearTimeout(this.timer);
    this.timerAt = top.nextDue;
    this.timer = setTimeout(this.tick, Math.max(0, top.nextDue - Date.now()));
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    for (let top = this.queue.peek(); top !== undefined && top.nextDue <= now; top = this.queue.peek()) {
      this.queue.pop();
      this.fire(top, now);
    }
    this.arm();
  };

  private fire(state: TargetState, now: number): void {
    const slot = state.nextDue;
    const first = state.lastCheckMs === undefined && !state.busy;
    state.nextDue = this.nextSlot(state, now);
    this.queue.push(state);
    // Slots that passed entirely while the event loop was busy.
    this.skipped += Math.floor((now - slot) / (state.spec.group.interval * 1000));
    if (state.busy) {
      this.skipped++;
      return;
    }
    state.busy = true;
    const running: Promise<void> = this.check(state, first ? undefined : slot).finally(() => this.running.delete(running));
    this.running.add(running);
  }

  private async check(state: TargetState, slot: number | undefined): Promise<void> {
    const group = state.spec.group;
    let outcome: ProbeOutcome | undefined;
    for (let attempt = 0; !this.stopped; attempt++) {
      await this.acquire();
      if (this.stopped || state.removed) {
        this.release();
        break;
      }
      if (attempt === 0 && slot !== undefined) this.recordDelay(Date.now() - slot);
      try {
        outcome = await this.attempt(state, group);
      } finally {
        this.release();
      }
      if (outcome.success || attempt >= group.retries || state.status === 'down' || state.removed) break;
      this.setStatus(state, 'pending', Date.now());
      try {
        await sleep(group.retry_interval * 1000, undefined, { signal: this.stopController.signal });
      } catch {
        break;
      }
    }
    if (outcome !== undefined && !this.stopped) this.finish(state, outcome);
    state.busy = false;
  }

  /**
   * One probe attempt with one signal: its controller aborts at the timeout (a timer cleared when the
   * attempt ends, so nothing of it outlives the attempt) or when the scheduler stops.
   */
  private async attempt(state: TargetState, group: SchedulerGroup): Promise<ProbeOutcome> {
    const controller = new AbortController();
    // The whole probe listens on this one signal (each redirect hop too).
    setMaxListeners(0, controller.signal);
    const timer = setTimeout(abortOnTimeout, group.timeout * 1000, controller);
    this.attemptControllers.add(controller);
    const started = performance.now();
    try {
      const probed = this.options
        .probe({ target: state.spec.target, module: group.module, timeoutSeconds: group.timeout, signal: controller.signal })
        .catch((error: unknown) => {
          // At stop, probes still out in a worker pool that closes are cut off, not failing.
          if (!this.stopped) this.logger.error({ target: state.spec.target, module: group.module, err: error }, 'probe threw; counted as a failed attempt');
          return failedOutcome('internal', (performance.now() - started) / 1000);
        });
      return await untilAbortedAndGrace(probed, controller.signal, started);
    } finally {
      clearTimeout(timer);
      this.attemptControllers.delete(controller);
    }
  }

  private finish(state: TargetState, outcome: ProbeOutcome): void {
    if (state.removed) return;
    const now = Date.now();
    this.checksCompleted++;
    state.lastCheckMs = now;
    state.lastDurationSeconds = outcome.durationSeconds;
    if (outcome.success) state.checksSucceeded++;
    else state.checksFailed++;
    const inMaintenance = !outcome.success && this.options.inMaintenance?.(state.labels) === true;
    state.recordCheck(outcome.success, outcome.durationSeconds, outcome.failureReason, now, inMaintenance);
    this.shapes.release(state.shape);
    const flat = outcome.flat ?? flatten(outcome.families);
    ({ shape: state.shape, values: state.values } = this.shapes.intern(flat));
    state.certExpirySeconds = firstValue(flat, 'probe_ssl_earliest_cert_expiry');
    state.httpStatusCode = firstValue(flat, 'probe_http_status_code');
    if (outcome.success) {
      this.setStatus(state, 'up', now);
    } else {
      state.lastFailureReason = outcome.failureReason ?? 'unknown';
      state.lastFailureMs = now;
      this.setStatus(state, 'down', now);
    }
    this.version++;
  }

  private setStatus(state: TargetState, status: TargetStatus, now: number): void {
    const previous = state.status;
    if (previous === status) return;
    if (previous === 'unknown' || (previous === 'up') !== (status === 'up')) state.sinceMs = now;
    state.status = status;
    this.version++;
    if (status === 'down' || (status === 'up' && previous !== 'unknown')) {
      this.logger.info({ target: state.spec.target, module: state.spec.group.module, state: status, reason: status === 'down' ? state.lastFailureReason : undefined }, 'target state changed');
    }
  }

  private acquire(): Promise<void> | undefined {
    const limit = this.config?.max_concurrent_checks ?? 1;
    if (this.inFlight < limit && this.waitingHead === this.waiting.length) {
      this.inFlight++;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const limit = this.config?.max_concurrent_checks ?? 1;
    if (this.waitingHead < this.waiting.length && this.inFlight <= limit) {
      // The slot passes straight to the next waiting check.
      this.nextWaiting()();
      return;
    }
    this.inFlight--;
  }

  private nextWaiting(): () => void {
    const next = this.waiting[this.waitingHead]!;
    this.waitingHead++;
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    return next;
  }

  private recordDelay(ms: number): void {
    const seconds = Math.max(0, ms) / 1000;
    this.delays[this.delayCount % DELAY_SAMPLES] = seconds;
    this.delaySum += seconds;
    this.delayCount++;
  }
}

function abortOnTimeout(controller: AbortController): void {
  controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

/**
 * `probed` (which never rejects), or, once `signal` aborts, whatever it answers within
 * ABORT_GRACE_MS more (the probe adds its last families), else a failed `timeout` outcome.
 */
function untilAbortedAndGrace(probed: Promise<ProbeOutcome>, signal: AbortSignal, started: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      grace = setTimeout(() => resolve(failedOutcome('timeout', (performance.now() - started) / 1000)), ABORT_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void probed.then((outcome) => {
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    });
  });
}

/** The result of an attempt that never answered (timed out, or threw), in the probe's own families. */
function failedOutcome(reason: FailureReason, durationSeconds: number): ProbeOutcome {
  const families = new MetricFamilies();
  families.add(probeSuccess, 0);
  families.add(probeDurationSeconds, durationSeconds);
  families.add(probeFailureInfo, 1, [reason]);
  return { success: false, durationSeconds, failureReason: reason, families };
}
