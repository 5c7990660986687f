/**
 * The prober's current config and its reloads, as blackbox's SafeConfig: a bad new file keeps the
 * last good config (the error goes to the caller and the log), an unchanged file (same SHA-256) is
 * not parsed again, and the outcome is published as
 * `blackbox_exporter_config_last_reload_{successful,success_timestamp_seconds}`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { silentLogger, type Logger } from '../common/logging.js';
import { describeMetric, type MetricSink } from '../common/metrics.js';
import { ConfigError } from '../common/config-walk.js';
import { defaultConfig, parseConfig, type Config } from './config.js';

const configLastReloadSuccessful = describeMetric(
  'blackbox_exporter_config_last_reload_successful',
  'Blackbox exporter config loaded successfully.',
  'gauge',
);
const configLastReloadSuccessTimestamp = describeMetric(
  'blackbox_exporter_config_last_reload_success_timestamp_seconds',
  'Timestamp of the last successful configuration reload.',
  'gauge',
);

export interface ConfigStoreOptions {
  /** The config file; without one the built-in modules (defaultConfig()) are used and reload is a no-op. */
  path?: string;
  logger?: Logger;
}

export interface ReloadOutcome {
  /** False when the file's checksum had not changed (nothing was parsed). */
  changed: boolean;
}

/** Told of every new config after it replaced the old one (e.g. the scheduler's targets). */
export type ConfigListener = (config: Config) => void | Promise<void>;

export class ConfigStore {
  readonly path: string | undefined;
  #config: Config;
  #checksum: string | undefined;
  #lastSuccessful = true;
  #lastSuccessSeconds = Date.now() / 1000;
  #pending: Promise<unknown> = Promise.resolve();
  readonly #logger: Logger;
  readonly #listeners: ConfigListener[] = [];

  constructor({ path, logger = silentLogger() }: ConfigStoreOptions = {}) {
    this.path = path;
    this.#logger = logger;
    this.#config = defaultConfig();
  }

  /** Loads the file for the first time; throws (ConfigError) when it is unreadable or invalid. */
  static async open(options: ConfigStoreOptions = {}): Promise<ConfigStore> {
    const store = new ConfigStore(options);
    if (store.path !== undefined) {
      const text = await store.#read(store.path);
      store.#config = parseConfig(text, store.path, { baseDir: dirname(store.path) });
      store.#checksum = sha256(text);
    }
    return store;
  }

  get current(): Config {
    return this.#config;
  }

  get lastReloadSuccessful(): boolean {
    return this.#lastSuccessful;
  }

  onChange(listener: ConfigListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Re-reads the file. Throws when it is unreadable or invalid (the last good config stays);
   * reloads run one at a time, in call order.
   */
  reload(): Promise<ReloadOutcome> {
    const next = this.#pending.then(() => this.#reloadNow());
    this.#pending = next.catch(() => undefined);
    return next;
  }

  async #reloadNow(): Promise<ReloadOutcome> {
    const path = this.path;
    if (path === undefined) return { changed: false };
    try {
      const text = await this.#read(path);
      const checksum = sha256(text);
      if (checksum === this.#checksum) {
        this.#succeeded();
        this.#logger.debug({ file: path }, 'Config file unchanged, reload skipped');
        return { changed: false };
      }
      const config = parseConfig(text, path, { baseDir: dirname(path) });
      this.#config = config;
      for (const listener of this.#listeners) await listener(config);
      // Only now: a listener that failed is retried by the next reload of the same file.
      this.#checksum = checksum;
      this.#succeeded();
      this.#logger.info({ file: path }, 'Loaded config file');
      return { changed: true };
    } catch (error) {
      this.#lastSuccessful = false;
      this.#logger.error({ file: path, err: (error as Error).message }, 'Error reloading config, keeping the last good one');
      throw error;
    }
  }

  #succeeded(): void {
    this.#lastSuccessful = true;
    this.#lastSuccessSeconds = Date.now() / 1000;
  }

  async #read(path: string): Promise<string> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(basename(path), undefined, '', `cannot read config file ${JSON.stringify(path)}: ${reason}`);
    }
  }

  /** The two reload gauges. */
  collect(sink: MetricSink): void {
    sink.add(configLastReloadSuccessful, this.#lastSuccessful ? 1 : 0);
    sink.add(configLastReloadSuccessTimestamp, this.#lastSuccessSeconds);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
