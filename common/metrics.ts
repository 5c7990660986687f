/**
 * A light metric model shared by the exporter and the prober: collectors and probes add samples
 * to a sink, and the result renders straight to the Prometheus text format or OpenMetrics, or is
 * handed to prom-client. Building values fresh on every scrape means vanished series vanish.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricDesc {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
}

/** Declares a family; names are checked once, here, instead of on every sample. */
export function describeMetric(
  name: string,
  help: string,
  type: MetricType,
  labelNames: readonly string[] = [],
): MetricDesc {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(label)} on ${name}`);
  }
  if (help === '') throw new Error(`metric ${name} needs HELP text`);
  if (type === 'histogram' && labelNames.includes('le')) throw new Error(`histogram ${name} cannot have an "le" label`);
  if (type === 'summary' && labelNames.includes('quantile')) throw new Error(`summary ${name} cannot have a "quantile" label`);
  return Object.freeze({ name, help, type, labelNames: Object.freeze([...labelNames]) });
}

/** One histogram's state: `cumulativeCounts[i]` observations were at most `upperBounds[i]`. */
export interface HistogramValue {
  readonly upperBounds: readonly number[];
  readonly cumulativeCounts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** One summary's state: `values[i]` is the `quantiles[i]` quantile. */
export interface SummaryValue {
  readonly quantiles: readonly number[];
  readonly values: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export interface MetricSink {
  /** One sample; `labelValues` are in the order of `desc.labelNames`. */
  add(desc: MetricDesc, value: number, labelValues?: readonly string[]): void;
}

export interface MetricSample {
  readonly labelValues: readonly string[];
  /** The observation count for a histogram or summary. */
  readonly value: number;
  /** Present exactly in the samples of a `histogram` family. */
  readonly histogram?: HistogramValue;
  /** Present exactly in the samples of a `summary` family. */
  readonly summary?: SummaryValue;
}

export interface MetricFamily {
  readonly desc: MetricDesc;
  readonly samples: MetricSample[];
}

const NO_LABELS: readonly string[] = Object.freeze([]);

/** Samples grouped by family, in the order families were first added. */
export class MetricFamilies implements MetricSink {
  readonly byName = new Map<string, MetricFamily>();

  add(desc: MetricDesc, value: number, labelValues: readonly string[] = NO_LABELS): void {
    if (desc.type === 'histogram' || desc.type === 'summary') throw new Error(`metric ${desc.name} is a ${desc.type}: add it with addHistogram or addSummary`);
    this.#family(desc, labelValues).samples.push({ labelValues, value });
  }

  /** One series of a `histogram` family. */
  addHistogram(desc: MetricDesc, histogram: HistogramValue, labelValues: readonly string[] = NO_LABELS): void {
    if (desc.type !== 'histogram') throw new Error(`metric ${desc.name} is a ${desc.type}, not a histogram`);
    if (histogram.upperBounds.length !== histogram.cumulativeCounts.length) {
      throw new Error(`histogram ${desc.name} has ${histogram.upperBounds.length} bucket bounds and ${histogram.cumulativeCounts.length} counts`);
    }
    this.#family(desc, labelValues).samples.push({ labelValues, value: histogram.count, histogram });
  }

  /** One series of a `summary` family. */
  addSummary(desc: MetricDesc, summary: SummaryValue, labelValues: readonly string[] = NO_LABELS): void {
    if (desc.type !== 'summary') throw new Error(`metric ${desc.name} is a ${desc.type}, not a summary`);
    if (summary.quantiles.length !== summary.values.length) {
      throw new Error(`summary ${desc.name} has ${summary.quantiles.length} quantiles and ${summary.values.length} values`);
    }
    this.#family(desc, labelValues).samples.push({ labelValues, value: summary.count, summary });
  }

  #family(desc: MetricDesc, labelValues: readonly string[]): MetricFamily {
    let family = this.byName.get(desc.name);
    if (family === undefined) {
      family = { desc, samples: [] };
      this.byName.set(desc.name, family);
    } else if (family.desc !== desc && family.desc.type !== desc.type) {
      throw new Error(`metric ${desc.name} added as ${desc.type} and as ${family.desc.type}`);
    }
    if (labelValues.length !== desc.labelNames.length) {
      throw new Error(`metric ${desc.name} takes ${desc.labelNames.length} label values, got ${labelValues.length}`);
    }
    return family;
  }

  /** Moves every sample of `other` into this set. */
  addAll(other: MetricFamilies): void {
    for (const family of other.byName.values()) {
      for (const sample of family.samples) {
        if (sample.histogram !== undefined) this.addHistogram(family.desc, sample.histogram, sample.labelValues);
        else if (sample.summary !== undefined) this.addSummary(family.desc, sample.summary, sample.labelValues);
        else this.add(family.desc, sample.value, sample.labelValues);
      }
    }
  }

  get size(): number {
    return this.byName.size;
  }

  families(): IterableIterator<MetricFamily> {
    return this.byName.values();
  }
}

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * The line formatting both renderers share: the family's metadata lines, each sample's line and a
 * histogram's lines. `labels` is the rendered `name="value"` list without braces ('' for none).
 */
export function familyHeader(name: string, help: string, type: MetricType, openMetrics: boolean): string {
  const family = openMetrics && type === 'counter' && name.endsWith('_total') ? name.slice(0, -6) : name;
  const shownType = openMetrics && type === 'untyped' ? 'unknown' : type;
  return `# HELP ${family} ${escapeHelp(help)}\n# TYPE ${family} ${shownType}\n`;
}

/** The name a family's samples carry: OpenMetrics ends every counter sample in `_total`. */
export function sampleName(name: string, type: MetricType, openMetrics: boolean): string {
  return openMetrics && type === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
}

export function sampleLine(name: string, labels: string, value: number): string {
  return `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}\n`;
}

/** The `_bucket` (cumulative, then `+Inf`), `_sum` and `_count` lines of one histogram series. */
function histogramSampleLines(name: string, labels: string, histogram: HistogramValue): string {
  const prefix = labels === '' ? '' : `${labels},`;
  let out = '';
  for (let i = 0; i < histogram.upperBounds.length; i++) {
    out += sampleLine(`${name}_bucket`, `${prefix}le="${formatValue(histogram.upperBounds[i]!)}"`, histogram.cumulativeCounts[i]!);
  }
  out += sampleLine(`${name}_bucket`, `${prefix}le="+Inf"`, histogram.count);
  return out + sampleLine(`${name}_sum`, labels, histogram.sum) + sampleLine(`${name}_count`, labels, histogram.count);
}

/** The quantile, `_sum` and `_count` lines of one summary series. */
function summarySampleLines(name: string, labels: string, summary: SummaryValue): string {
  const prefix = labels === '' ? '' : `${labels},`;
  let out = '';
  for (let i = 0; i < summary.quantiles.length; i++) {
    out += sampleLine(name, `${prefix}quantile="${formatValue(summary.quantiles[i]!)}"`, summary.values[i]!);
  }
  return out + sampleLine(`${name}_sum`, labels, summary.sum) + sampleLine(`${name}_count`, labels, summary.count);
}

function labelPairs(names: readonly string[], values: readonly string[], constLabels: string): string {
  let out = constLabels;
  for (let i = 0; i < names.length; i++) {
    if (out !== '') out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out;
}

/** Pre-rendered `name="value"` pairs added to every sample (e.g. target labels). */
export function constLabelText(labels: Readonly<Record<string, string | number | undefined>>): string {
  let out = '';
  for (const [name, value] of Object.entries(labels)) {
    if (value === undefined) continue;
    if (out !== '') out += ',';
    out += `${name}="${escapeLabelValue(String(value))}"`;
  }
  return out;
}

/** Lines joined per this many: each `join` copies them flat, freeing their pieces. */
const LINES_PER_CHUNK = 1024;

/**
 * Built from flat chunks, not one `+=` rope: a rope of every piece of every line costs several times
 * the text (30 MB of heap for a 4 MB textfile scrape, past the exporter's 64 MB old space).
 */
function render(families: Iterable<MetricFamily>, constLabels: string, openMetrics: boolean): string {
  const chunks: string[] = [];
  let lines: string[] = [];
  const push = (text: string): void => {
    lines.push(text);
    if (lines.length < LINES_PER_CHUNK) return;
    chunks.push(lines.join(''));
    lines = [];
  };
  for (const { desc, samples } of families) {
    push(familyHeader(desc.name, desc.help, desc.type, openMetrics));
    const name = sampleName(desc.name, desc.type, openMetrics);
    for (const sample of samples) {
      const labels = labelPairs(desc.labelNames, sample.labelValues, constLabels);
      if (sample.histogram !== undefined) push(histogramSampleLines(name, labels, sample.histogram));
      else if (sample.summary !== undefined) push(summarySampleLines(name, labels, sample.summary));
      else push(sampleLine(name, labels, sample.value));
    }
  }
  chunks.push(lines.join(''));
  return chunks.join('');
}

/** Prometheus text format 0.0.4. */
export function renderText(families: Iterable<MetricFamily>, constLabels = ''): string {
  return render(families, constLabels, false);
}

/** OpenMetrics 1.0 families (without the closing `# EOF`, so several sets can be joined). */
export function renderOpenMetrics(families: Iterable<MetricFamily>, constLabels = ''): string {
  return render(families, constLabels, true);
}
