/**
 * The host collectors on any prom-client Registry (never the global one). Each family is a custom
 * metric object; the families of one `registry.metrics()` call share one scrape. Values are built
 * fresh every scrape, so vanished series vanish, and a failing collector only costs its own
 * families (prom-client would otherwise fail the whole scrape).
 */
import type { MetricValue, Registry } from 'prom-client';
import { formatValue, type MetricFamily, type MetricSample, type MetricType } from '../common/metrics.js';
import { HostScraper, type HostScraperOptions } from './scrape.js';

export type RegisterOptions = HostScraperOptions;

export interface HostCollectorsHandle {
  /** Names of the enabled collectors. */
  readonly enabled: readonly string[];
  /**
   * Settles once the first scrape has found the host's families. Families depend on the host
   * (vmstat fields, textfiles…) and prom-client lists a registry's metrics before collecting,
   * so a scrape made before this may miss the families found later.
   */
  readonly ready: Promise<void>;
  /** Removes every family this call registered. */
  unregister(): void;
}

interface FamilyMetricData {
  name: string;
  help: string;
  type: MetricType;
  values: MetricValue<string>[];
  aggregator: 'sum';
}

/** Shares one in-flight scrape between all the families of one registry call. */
class SharedScrape {
  #inFlight: Promise<Map<string, MetricFamily>> | undefined;

  constructor(
    private readonly scraper: HostScraper,
    private readonly onScraped: (families: Map<string, MetricFamily>) => void,
  ) {}

  current(): Promise<Map<string, MetricFamily>> {
    this.#inFlight ??= this.scraper.scrape().then(
      (list) => {
        this.#inFlight = undefined;
        const families = new Map(list.map((family) => [family.desc.name, family]));
        this.onScraped(families);
        return families;
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        throw error;
      },
    );
    return this.#inFlight;
  }
}

type NamedValue = MetricValue<string> & { metricName?: string };

/** A sample's lines: one value, or a histogram's buckets / a summary's quantiles with `_sum` and `_count`. */
function sampleValues(name: string, sample: MetricSample, labels: Record<string, string>): NamedValue[] {
  const totals = (sum: number, count: number): NamedValue[] => [
    { metricName: `${name}_sum`, labels, value: sum },
    { metricName: `${name}_count`, labels, value: count },
  ];
  const { histogram, summary } = sample;
  if (histogram !== undefined) {
    return [
      ...histogram.upperBounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: formatValue(le) }, value: histogram.cumulativeCounts[i] ?? 0 })),
      { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: histogram.count },
      ...totals(histogram.sum, histogram.count),
    ];
  }
  if (summary !== undefined) {
    return [
      ...summary.quantiles.map((q, i) => ({ metricName: name, labels: { ...labels, quantile: formatValue(q) }, value: summary.values[i] ?? 0 })),
      ...totals(summary.sum, summary.count),
    ];
  }
  return [{ value: sample.value, labels }];
}

/** One family as prom-client sees it. `name` is public because prom-client rewrites it for OpenMetrics. */
class FamilyMetric {
  name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum' as const;
  readonly #family: string;
  readonly #labelNames: readonly string[];

  constructor(
    family: MetricFamily,
    private readonly source: SharedScrape,
  ) {
    this.name = family.desc.name;
    this.#family = family.desc.name;
    this.help = family.desc.help;
    this.type = family.desc.type;
    this.#labelNames = family.desc.labelNames;
  }

  async get(): Promise<FamilyMetricData> {
    const family = (await this.source.current()).get(this.#family);
    const values = (family?.samples ?? []).flatMap((sample) => {
      const labels: Record<string, string> = {};
      this.#labelNames.forEach((label, i) => (labels[label] = sample.labelValues[i] ?? ''));
      return sampleValues(this.#family, sample, labels);
    });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export function registerHostCollectors(registry: Registry, options: RegisterOptions = {}): HostCollectorsHandle {
  const scraper = new HostScraper(options);
  const registered = new Map<string, FamilyMetric>();
  const refused = new Set<string>();
  const logger = options.logger;

  let active = true;
  const sync = (families: Map<string, MetricFamily>): void => {
    if (!active) return;
    for (const [name, family] of families) {
      if (registered.has(name) || refused.has(name)) continue;
      if (registry.getSingleMetric(name) !== undefined) {
        refused.add(name);
        logger?.error({ family: name }, 'a metric of this name is already registered; host family not exported');
        continue;
      }
      const metric = new FamilyMetric(family, shared);
      registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
      registered.set(name, metric);
    }
    // Families gone from this scrape leave the registry (they come back when they reappear).
    for (const name of registered.keys()) {
      if (!families.has(name)) {
        registry.removeSingleMetric(name);
        registered.delete(name);
      }
    }
  };
  const shared = new SharedScrape(scraper, sync);
  const ready = shared.current().then(() => undefined);

  return {
    enabled: scraper.enabled,
    ready,
    unregister() {
      active = false;
      for (const name of registered.keys()) registry.removeSingleMetric(name);
      registered.clear();
    },
  };
}
