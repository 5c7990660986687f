/** The exporter's extension points: a collector is one small object with one method. */
import type { FlagSpec } from '../common/flags.js';
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

/** What `create` gets: `options` holds the values of the collector's own flags (and any extra it declares). */
export interface CollectorContext<Options = unknown> {
  paths: HostPaths;
  /** Already carries `collector=<name>`. */
  logger: Logger;
  options: Options;
}

/** One command-line flag of a collector: kingpin's spec plus its full name, e.g. `collector.vmstat.fields`. */
export interface CollectorFlag<T> extends FlagSpec<T> {
  readonly name: string;
}

/** A collector's flags, keyed by the option each one sets. */
export type CollectorFlags = Readonly<Record<string, CollectorFlag<unknown>>>;

type FlagValue<F> = F extends FlagSpec<infer T> ? T : never;

/** The options a collector's flags set; a flag that may be unset (e.g. an include filter) is an optional key. */
export type CollectorFlagValues<F extends CollectorFlags> = {
  -readonly [K in keyof F as undefined extends FlagValue<F[K]> ? never : K]: FlagValue<F[K]>;
} & {
  -readonly [K in keyof F as undefined extends FlagValue<F[K]> ? K : never]?: FlagValue<F[K]>;
};

export function collectorFlag<T>(name: string, spec: FlagSpec<T>): CollectorFlag<T> {
  return { ...spec, name };
}

/**
 * One collector (node_exporter's `registerCollector` call plus its kingpin flags): the CLI,
 * `--help`, `CollectorOptions` and docs/collectors.md are all built from these.
 */
export interface CollectorDefinition<
  Name extends string = string,
  Flags extends CollectorFlags = CollectorFlags,
  Options extends CollectorFlagValues<Flags> = CollectorFlagValues<Flags>,
> {
  readonly name: Name;
  readonly defaultEnabled: boolean;
  /** One line for `--help` and docs/collectors.md. */
  readonly description: string;
  /** Its own flags (none when absent), keyed by the option each sets. */
  readonly flags?: Flags;
  /** Its families come from outside the exporter (textfiles): one that another collector also reports is dropped. */
  readonly foreignFamilies?: boolean;
  create(context: CollectorContext<Options>): Collector;
}

/** Types a collector definition: infers its name and option types from its flags (or from `create`'s context). */
export function defineCollector<
  Name extends string,
  Flags extends CollectorFlags = Record<never, never>,
  Options extends CollectorFlagValues<Flags> = CollectorFlagValues<Flags>,
>(definition: CollectorDefinition<Name, Flags, Options>): CollectorDefinition<Name, Flags, Options> {
  return Object.freeze(definition);
}

/** The option values one definition's `create` takes. */
export type OptionsOf<D> = D extends CollectorDefinition<string, CollectorFlags, infer Options> ? Options : never;

/** Each flag's default, keyed by option: what a collector gets when nobody set its flags. */
export function flagDefaults<Flags extends CollectorFlags>(flags: Flags | undefined): CollectorFlagValues<Flags> {
  return Object.fromEntries(Object.entries(flags ?? {}).map(([key, flag]) => [key, flag.default])) as CollectorFlagValues<Flags>;
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

/** Thrown when a collector found nothing to report: success 0, logged at debug level (node_exporter ErrNoData). */
export class NoDataError extends Error {
  override name = 'NoDataError';

  constructor(message: string) {
    // Absent hardware throws this on every scrape and its stack is never shown: capturing one costs more than the collector.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
