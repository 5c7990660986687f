/**
 * The scheduler as part of the prober program: follows the config through reloads (started when a
 * `scheduler:` section appears, emptied when it goes) and gives the prober's /metrics its series.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../common/logging.js';
import type { Config } from '../config.js';
import type { ExpositionFormat } from './metrics.js';
import { schedulerPlugin } from './plugin.js';
import { configuredProbe } from './probe-adapter.js';
import { Scheduler, type CheckProbe } from './scheduler.js';

export interface SchedulerServiceOptions {
  /** The config in force; asked on every check for the modules. */
  config: () => Config;
  /** The `--location` flag (wins over the config's `location`). */
  location?: string;
  logger?: Logger;
  /** Defaults to the prober's own probe(). */
  probe?: CheckProbe;
}

export class SchedulerService {
  readonly scheduler: Scheduler;
  private started = false;

  constructor(options: SchedulerServiceOptions) {
    this.scheduler = new Scheduler({
      probe: options.probe ?? configuredProbe(options.config, options.logger),
      logger: options.logger?.child({ component: 'scheduler' }),
      location: options.location,
    });
  }

  /** True once a config with a `scheduler:` section has been applied. */
  get active(): boolean {
    return this.started;
  }

  /** Starts, reloads or empties the scheduler to match `config.scheduler`. */
  async apply(config: Config): Promise<void> {
    const section = config.scheduler;
    if (section === undefined) {
      if (this.started) await this.scheduler.reload({ max_concurrent_checks: 1, file_sd_refresh_interval: 300, groups: [] });
      return;
    }
    if (this.started) {
      await this.scheduler.reload(section);
    } else {
      await this.scheduler.start(section);
      this.started = true;
    }
  }

  /** The scheduler's series for /metrics; empty when no scheduler section was ever configured. */
  renderMetrics(format: ExpositionFormat = 'text'): string {
    return this.started ? this.scheduler.renderMetrics(format) : '';
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }
}

/**
 * Puts a service into a prober app: the status page and API when the config had a scheduler
 * section at start (otherwise `/` stays the landing page), and the scheduler stops with the app.
 */
export function registerSchedulerService(app: FastifyInstance, service: SchedulerService): void {
  if (service.active) void app.register(schedulerPlugin, { scheduler: service.scheduler });
  app.addHook('onClose', () => service.stop());
}
