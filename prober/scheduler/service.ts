/**
 * The scheduler as part of the prober program: follows the config through reloads (started when a
 * `scheduler:` section appears, emptied when it goes) and gives the prober's /metrics its series.
 */
import type { FastifyInstance } from 'fastify';
import { availableParallelism } from 'node:os';
import type { Logger } from '../../common/logging.js';
import type { Config } from '../config.js';
import { createTargetPolicy, type TargetPolicyOptions } from '../net/policy.js';
import type { ExpositionFormat } from './metrics.js';
import { SilenceWatch } from '../../maintenance/watch.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, StatusPageSources } from '../server/status-page/sources.js';
import { autoProbeWorkers, demandedChecksPerSecond, type ProbeWorkersSetting } from './auto-workers.js';
import { schedulerPlugin } from './plugin.js';
import { configuredProbe } from './probe-adapter.js';
import { ProbeWorkerPool } from './probe-pool.js';
import { Scheduler, type CheckProbe } from './scheduler.js';
import type { Shard } from './shard.js';
import { restoreStateFile, saveStateFile } from './state-file.js';

/** How often the state file is written while running (and once more at stop). */
const STATE_SAVE_INTERVAL_MS = 60_000;
/** How often `auto` workers follow a list that changed without a reload (file_sd files). */
const RESIZE_INTERVAL_MS = 30_000;

export interface SchedulerServiceOptions {
  /** The config in force; asked on every check for the modules. */
  config: () => Config;
  /** The `--location` flag (wins over the config's `location`). */
  location?: string;
  /** The `--scheduler.shard` flag (wins over the config's `shard`). */
  shard?: Shard;
  logger?: Logger;
  /** Defaults to the prober's own probe(). */
  probe?: CheckProbe;
  /**
   * Runs the prober's probe() on this many worker threads instead of the main one (0: none; the
   * default), or `auto`: as many as the list's checks/s ask for on this machine's cores (auto-workers.ts).
   */
  probeWorkers?: ProbeWorkersSetting;
  /** Cores `auto` counts with; default: os.availableParallelism(). */
  cores?: number;
  /** The target policy of every probe (the `--probe.*` flags, as /probe has them); default: createTargetPolicy()'s. */
  policy?: TargetPolicyOptions;
  /** The status page and its API without basic auth; /probe, /config and /metrics keep it. */
  publicStatusPage?: boolean;
  /** No failure reasons or status codes on the status page and its API. */
  hideErrors?: boolean;
  /** Where the availability history is kept across restarts (`--scheduler.state-file`). */
  stateFile?: string;
  /** Other probers whose targets the status page shows too (`--status-page.peer`). */
  statusPagePeers?: string[];
  /**
   * Alertmanagers whose silences show as maintenance on the status page, and whose failed checks
   * inside a window the availability leaves out (`--status-page.alertmanager-url`).
   */
  statusPageAlertmanagers?: string[];
  /** Bound on each of those reads (`--status-page.timeout`). */
  statusPageTimeoutMs?: number;
  /** false: only the summary of each target's probe on /metrics (`--no-scheduler.probe-details`). */
  probeDetails?: boolean;
}

export class SchedulerService {
  readonly scheduler: Scheduler;
  /** Started with the first scheduler section, so a prober without one runs no idle threads. */
  private pool: ProbeWorkerPool | undefined;
  private started = false;
  private scheduling = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private resizeTimer: NodeJS.Timeout | undefined;
  /** The silences in force, polled while the scheduler runs, when Alertmanagers are configured. */
  private readonly silences: SilenceWatch | undefined;
  private modules: Config['modules'] | undefined;

  constructor(readonly options: SchedulerServiceOptions) {
    const alertmanagers = options.statusPageAlertmanagers ?? [];
    const silences = alertmanagers.length === 0 ? undefined
      : new SilenceWatch({ alertmanagers, timeoutMs: options.statusPageTimeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS, logger: options.logger?.child({ component: 'maintenance' }) });
    this.silences = silences;
    const inThread = configuredProbe(options.config, options.logger, createTargetPolicy(options.policy));
    this.scheduler = new Scheduler({
      probe: options.probe ?? ((request) => (this.pool !== undefined && this.pool.readyWorkers > 0 ? this.pool.probe : inThread)(request)),
      logger: options.logger?.child({ component: 'scheduler' }),
      location: options.location,
      shard: options.shard,
      probeDetails: options.probeDetails,
      inMaintenance: silences && ((labels) => silences.covers(labels)),
    });
  }

  /** True while the config in force has a `scheduler:` section. */
  get active(): boolean {
    return this.scheduling;
  }

  /** Probe workers running now (0: probes run on the main thread). */
  get probeWorkers(): number {
    return this.pool?.size ?? 0;
  }

  /** Starts, reloads or empties the scheduler to match `config.scheduler`. */
  async apply(config: Config): Promise<void> {
    const section = config.scheduler;
    this.modules = config.modules;
    this.pool?.setModules(config.modules);
    if (section === undefined) {
      this.scheduling = false;
      if (this.started) await this.scheduler.reload({ max_concurrent_checks: 1, file_sd_refresh_interval: 300, groups: [] });
      if (this.options.probeWorkers === 'auto') this.sizeWorkers();
      return;
    }
    // Fixed workers start before the first checks; `auto` needs the list, so it follows them.
    if (typeof this.options.probeWorkers === 'number') this.sizeWorkers();
    if (this.started) {
      await this.scheduler.reload(section);
    } else {
      // The windows are known before the first checks: a restart inside one counts none as down.
      await this.silences?.start();
      await this.scheduler.start(section);
      this.started = true;
      await this.restoreState();
      if (this.options.probeWorkers === 'auto') this.resizeTimer = setInterval(() => this.sizeWorkers(), RESIZE_INTERVAL_MS).unref();
    }
    this.scheduling = true;
    if (this.options.probeWorkers === 'auto') this.sizeWorkers();
  }

  /** Starts, resizes or empties the worker pool to match the setting (for `auto`, the list in force). */
  private sizeWorkers(): void {
    if (this.options.probe !== undefined || this.modules === undefined) return;
    const setting = this.options.probeWorkers ?? 0;
    const wanted = setting === 'auto' ? autoProbeWorkers(demandedChecksPerSecond(this.scheduler.targets()), this.options.cores ?? availableParallelism()) : setting;
    if (this.pool === undefined) {
      if (wanted === 0) return;
      this.pool = new ProbeWorkerPool({ size: wanted, modules: this.modules, policy: this.options.policy, logger: this.options.logger });
    } else if (this.pool.size !== wanted) {
      this.pool.resize(wanted);
    } else {
      return;
    }
    this.options.logger?.info({ workers: wanted }, 'probe workers');
  }

  /** The scheduler's series for /metrics; empty when no scheduler section was ever configured. */
  renderMetrics(format: ExpositionFormat = 'text'): string {
    return this.started ? this.scheduler.renderMetrics(format) : '';
  }

  /** renderMetrics() in chunks, for streaming (see Scheduler.metricChunks). */
  metricChunks(format: ExpositionFormat = 'text'): Iterable<string> {
    return this.started ? this.scheduler.metricChunks(format) : [];
  }

  async stop(): Promise<void> {
    clearInterval(this.saveTimer);
    clearInterval(this.resizeTimer);
    this.silences?.stop();
    await this.scheduler.stop();
    if (this.started) await this.saveState();
    await this.pool?.close();
  }

  private async restoreState(): Promise<void> {
    const path = this.options.stateFile;
    if (path === undefined) return;
    try {
      const restored = await restoreStateFile(path, this.scheduler.targets());
      this.options.logger?.info({ file: path, targets: restored }, 'availability history restored');
    } catch (error) {
      this.options.logger?.warn({ file: path, err: error }, 'state file not read; availability history starts empty');
    }
    this.saveTimer = setInterval(() => void this.saveState(), STATE_SAVE_INTERVAL_MS).unref();
  }

  private async saveState(): Promise<void> {
    const path = this.options.stateFile;
    if (path === undefined) return;
    try {
      await saveStateFile(path, this.scheduler.targets());
    } catch (error) {
      this.options.logger?.error({ file: path, err: error }, 'state file not written');
    }
  }
}

/**
 * Puts a service into a prober app: the status page and API while the config has a scheduler
 * section (`idlePage`, e.g. the landing page, at `/` before one appears), and the scheduler stops with the app.
 */
export function registerSchedulerService(app: FastifyInstance, service: SchedulerService, idlePage?: string): void {
  const { publicStatusPage: publicAccess, hideErrors, statusPagePeers: peers = [], statusPageAlertmanagers: alertmanagers = [], statusPageTimeoutMs: timeoutMs, logger } = service.options;
  const sources = peers.length + alertmanagers.length > 0 ? new StatusPageSources({ peers, alertmanagers, timeoutMs, hideErrors, logger }) : undefined;
  void app.register(schedulerPlugin, { scheduler: service.scheduler, active: () => service.active, idlePage, publicAccess, hideErrors, sources });
  app.addHook('onClose', () => service.stop());
}
