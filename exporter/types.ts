/** The exporter's extension points: a collector is one small object with one method. */
import type { Logger } from '../common/logging.js';
import type { MetricSink } from '../common/metrics.js';

export type { MetricSink };

export interface Collector {
  /** Adds this scrape's samples to `sink`; throws (or rejects) on failure. `signal` aborts at the deadline. */
  update(sink: MetricSink, signal: AbortSignal): Promise<void>;
}

/** Roots of the host's pseudo-filesystems, so containers and tests can point elsewhere. */
export interface HostPaths {
  procfs: string;
  sysfs: string;
  rootfs: string;
}

export interface CollectorContext {
  paths: HostPaths;
  /** Already carries `collector=<name>`. */
  logger: Logger;
  options: CollectorOptions;
}

/** What the filesystem collector calls per mount point; tests inject one that hangs. */
export type StatfsFunction = (path: string) => Promise<{
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}>;

/** Per-collector settings, the ones node_exporter has flags for. */
export interface CollectorOptions {
  filesystem: {
    mountPointsExclude: RegExp;
    fsTypesExclude: RegExp;
    mountTimeoutSeconds: number;
    /** How many statfs calls one scrape runs at once (libuv's pool has 4 threads in all). */
    statWorkerCount: number;
    /** Defaults to `fs.promises.statfs`. */
    statfs?: StatfsFunction;
  };
  /** Include and exclude are mutually exclusive. */
  netdev: { deviceInclude?: RegExp; deviceExclude?: RegExp };
  /** Include and exclude are mutually exclusive; `udevDataPath` is node_exporter's `--path.udev.data`. */
  diskstats: { deviceInclude?: RegExp; deviceExclude?: RegExp; udevDataPath: string };
  vmstat: { fields: RegExp };
  textfile: { directory?: string };
}

export interface CollectorDefinition {
  readonly name: string;
  readonly defaultEnabled: boolean;
  /** One line for `--help` and the README's collector table. */
  readonly description: string;
  create(context: CollectorContext): Collector;
}

/** Thrown when a collector found nothing to report: success 0, logged at debug level (node_exporter ErrNoData). */
export class NoDataError extends Error {
  override name = 'NoDataError';
}
