/**
 * A light metric model shared by the exporter and the prober: collectors and probes add samples
 * to a sink, and the result renders straight to the Prometheus text format or OpenMetrics, or is
 * handed to prom-client. Building values fresh on every scrape means vanished series vanish.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type MetricType = 'counter' | 'gauge' | 'untyped';

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
  return Object.freeze({ name, help, type, labelNames: Object.freeze([...labelNames]) });
}

export interface MetricSink {
  /** One sample; `labelValues` are in the order of `desc.labelNames`. */
  add(desc: MetricDesc, value: number, labelValues?: readonly string[]): void;
}

export interface MetricSample {
  readonly labelValues: readonly string[];
  readonly value: number;
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
    family.samples.push({ labelValues, value });
  }

  /** Moves every sample of `other` into this set. */
  addAll(other: MetricFamilies): void {
    for (const family of other.byName.values()) {
      for (const sample of family.samples) this.add(family.desc, sample.value, sample.labelValues);
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

export function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelBlock(names: readonly string[], values: readonly string[], extra: string): string {
  let out = extra;
  for (let i = 0; i < names.length; i++) {
    if (out !== '') out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out === '' ? '' : `{${out}}`;
}

/** Pre-rendered `name="value"` pairs added to every sample (e.g. target labels). */
export function constLabelText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(',');
}

/** Prometheus text format 0.0.4. */
export function renderText(families: Iterable<MetricFamily>, constLabels = ''): string {
  let out = '';
  for (const { desc, samples } of families) {
    out += `# HELP ${desc.name} ${escapeHelp(desc.help)}\n# TYPE ${desc.name} ${desc.type}\n`;
    for (const sample of samples) {
      out += `${desc.name}${labelBlock(desc.labelNames, sample.labelValues, constLabels)} ${formatValue(sample.value)}\n`;
    }
  }
  return out;
}

/** OpenMetrics 1.0 families (without the closing `# EOF`, so several sets can be joined). */
export function renderOpenMetrics(families: Iterable<MetricFamily>, constLabels = ''): string {
  let out = '';
  for (const { desc, samples } of families) {
    const isCounter = desc.type === 'counter';
    const familyName = isCounter && desc.name.endsWith('_total') ? desc.name.slice(0, -6) : desc.name;
    const sampleName = isCounter ? `${familyName}_total` : desc.name;
    const type = desc.type === 'untyped' ? 'unknown' : desc.type;
    out += `# HELP ${familyName} ${escapeHelp(desc.help)}\n# TYPE ${familyName} ${type}\n`;
    for (const sample of samples) {
      out += `${sampleName}${labelBlock(desc.labelNames, sample.labelValues, constLabels)} ${formatValue(sample.value)}\n`;
    }
  }
  return out;
}
