/**
 * One scrape of the host: every enabled collector runs at once, each into its own buffer that is
 * kept only if the collector finished in time without error (node_exporter's NodeCollector).
 * Each collector always reports `node_scrape_collector_success` and `..._duration_seconds`.
 */
import { abortRejection, isTimeout, startDeadline } from '../common/abort.js';
import { silentLogger, type Logger } from '../common/logging.js';
import { describeMetric, MetricFamilies, type MetricFamily } from '../common/metrics.js';
import { collectorTable, optionsFor, type PartialCollectorOptions } from './collectors/index.js';
import { resolveHostPaths } from './paths.js';
import { NoDataError, type Collector, type CollectorDefinition, type HostPaths } from './types.js';

const durationDesc = describeMetric('node_scrape_collector_duration_seconds', 'node_exporter: Duration of a collector scrape.', 'gauge', ['collector']);
const successDesc = describeMetric('node_scrape_collector_success', 'node_exporter: Whether a collector succeeded.', 'gauge', ['collector']);

export interface HostScraperOptions {
  /** The collector table; `hostCollectors` (or `fallbackCollectors`, see `fallback`) unless given (tests pass their own). */
  collectors?: readonly CollectorDefinition[];
  /** Serve the portable systeminformation fallbacks (what macOS and Windows get) even on Linux (`--collector.fallback`). */
  fallback?: boolean;
  /** Turned on in addition to the defaults (node_exporter's `--collector.NAME`). */
  enable?: readonly string[];
  /** Turned off (`--no-collector.NAME`). */
  disable?: readonly string[];
  /** Start from no collectors, not the default set (`--collector.disable-defaults`). */
  disableDefaults?: boolean;
  paths?: Partial<HostPaths>;
  /** Per collector, keyed by name (each a whole options object); a collector left out runs with its flags' defaults. */
  collectorOptions?: PartialCollectorOptions;
  /** A collector still running after this long counts as failed for the scrape (default 9 s). */
  collectorTimeoutMs?: number;
  logger?: Logger;
}

/** A bad `collect[]` / `exclude[]` request: the HTTP layer answers 400 with this message. */
export class CollectorFilterError extends Error {
  override name = 'CollectorFilterError';
}

interface RunningCollector {
  readonly name: string;
  readonly foreignFamilies: boolean;
  readonly collector: Collector;
  readonly logger: Logger;
}

type Outcome = { ok: true; families: MetricFamilies } | { ok: false; error: unknown };

export class HostScraper {
  /** Names of the enabled collectors, in table order. */
  readonly enabled: readonly string[];
  readonly #collectors: readonly RunningCollector[];
  readonly #timeoutMs: number;
  #gatheringErrors = 0;

  constructor({
    fallback = false,
    collectors = collectorTable({ fallback }),
    enable = [],
    disable = [],
    disableDefaults = false,
    paths = {},
    collectorOptions = {},
    collectorTimeoutMs = 9_000,
    logger = silentLogger(),
  }: HostScraperOptions = {}) {
    const known = new Set(collectors.map((definition) => definition.name));
    for (const name of [...enable, ...disable]) {
      if (!known.has(name)) throw new Error(`unknown collector "${name}" (known: ${[...known].join(', ')})`);
    }
    const hostPaths = resolveHostPaths(paths);
    const chosen = collectors.filter(
      ({ name, defaultEnabled }) => !disable.includes(name) && (enable.includes(name) || (defaultEnabled && !disableDefaults)),
    );
    this.#collectors = chosen.map((definition) => {
      const collectorLogger = logger.child({ collector: definition.name });
      const options = optionsFor(definition, collectorOptions);
      return {
        name: definition.name,
        foreignFamilies: definition.foreignFamilies === true,
        logger: collectorLogger,
        collector: definition.create({ paths: hostPaths, logger: collectorLogger, options }),
      };
    });
    this.enabled = chosen.map(({ name }) => name);
    this.#timeoutMs = collectorTimeoutMs;
    logger.info({ collectors: this.enabled.join(',') }, 'Enabled collectors');
  }

  /** The collectors a `collect[]` / `exclude[]` request selects (node_exporter's rules). */
  select(collect: readonly string[], exclude: readonly string[]): ReadonlySet<string> | undefined {
    if (collect.length > 0 && exclude.length > 0) throw new CollectorFilterError('Couldn\'t create filtered metrics handler: "collect[]" and "exclude[]" cannot be used together');
    if (collect.length === 0 && exclude.length === 0) return undefined;
    for (const name of [...collect, ...exclude]) {
      if (!this.enabled.includes(name)) throw new CollectorFilterError(`Couldn't create filtered metrics handler: collector "${name}" not enabled or unknown`);
    }
    return new Set(collect.length > 0 ? collect : this.enabled.filter((name) => !exclude.includes(name)));
  }

  async #run(running: RunningCollector, signal: AbortSignal, expired: Promise<never>): Promise<Outcome> {
    const families = new MetricFamilies();
    try {
      // The race rejects as the deadline aborts, before a collector that stops on abort can settle: it still timed out.
      await Promise.race([running.collector.update(families, signal), expired]);
      return { ok: true, families };
    } catch (error) {
      if (isTimeout(error)) return { ok: false, error: new Error(`collector did not finish within ${this.#timeoutMs / 1000}s`) };
      return { ok: false, error };
    }
  }

  /** Runs the selected (default: all enabled) collectors once; families sorted by name, as Go's registry gathers them. */
  async scrape(only?: ReadonlySet<string>): Promise<MetricFamily[]> {
    const selected = only === undefined ? this.#collectors : this.#collectors.filter(({ name }) => only.has(name));
    const deadline = startDeadline(this.#timeoutMs);
    // One listener on the deadline for the whole scrape, not one per collector.
    const expired = abortRejection(deadline.signal);
    const started = performance.now();
    const outcomes = await Promise.all(
      selected.map(async (running) => {
        const outcome = await this.#run(running, deadline.signal, expired.promise);
        return { running, outcome, seconds: (performance.now() - started) / 1000 };
      }),
    );
    expired.dispose();
    deadline.clear();

    const merged = new Map<string, MetricFamily>();
    const scrapeFamilies = new MetricFamilies();
    const succeeded: { running: RunningCollector; families: MetricFamilies }[] = [];
    for (const { running, outcome, seconds } of outcomes) {
      scrapeFamilies.add(durationDesc, seconds, [running.name]);
      scrapeFamilies.add(successDesc, outcome.ok ? 1 : 0, [running.name]);
      if (outcome.ok) {
        succeeded.push({ running, families: outcome.families });
        continue;
      }
      const { error } = outcome;
      if (error instanceof NoDataError) running.logger.debug({ err: error.message, duration_seconds: seconds }, 'collector returned no data');
      else running.logger.error({ err: error instanceof Error ? error.message : String(error), duration_seconds: seconds }, 'collector failed');
    }
    let dropped = false;
    // Built-in families first, so that a foreign family of the same name is the one dropped.
    succeeded.sort((a, b) => Number(a.running.foreignFamilies) - Number(b.running.foreignFamilies));
    for (const { running, families } of succeeded) {
      for (const family of families.families()) dropped = !this.#merge(merged, family, running) || dropped;
    }
    for (const family of scrapeFamilies.families()) merged.set(family.desc.name, family);
    if (dropped) this.#gatheringErrors++;
    return [...merged.values()].sort((a, b) => (a.desc.name < b.desc.name ? -1 : a.desc.name > b.desc.name ? 1 : 0));
  }

  /** Scrapes that dropped a family because two collectors reported it (promhttp's `cause="gathering"` errors). */
  get gatheringErrors(): number {
    return this.#gatheringErrors;
  }

  /**
   * Two built-in collectors may emit one family of the same type and labels; a type or label clash
   * keeps the first, and a foreign family (textfiles) never joins one already there. False when dropped.
   */
  #merge(merged: Map<string, MetricFamily>, family: MetricFamily, running: RunningCollector): boolean {
    const existing = merged.get(family.desc.name);
    if (existing === undefined) {
      merged.set(family.desc.name, family);
      return true;
    }
    if (running.foreignFamilies || existing.desc.type !== family.desc.type || existing.desc.labelNames.join() !== family.desc.labelNames.join()) {
      running.logger.error({ family: family.desc.name }, 'family already reported by another collector; dropped');
      return false;
    }
    merged.set(family.desc.name, { desc: existing.desc, samples: [...existing.samples, ...family.samples] });
    return true;
  }
}
