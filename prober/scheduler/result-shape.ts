/**
 * Compact storage of each target's latest probe metrics. Most targets of a module produce the same
 * families with the same label values (the "shape"); the shape is stored once and shared, and each
 * target keeps only its numbers, a small Float64Array. At 10,000 targets this is a few hundred
 * bytes per target instead of kilobytes of objects or rendered text.
 */
import { escapeLabelValue, type MetricDesc, type MetricFamilies, type MetricFamily } from '../../common/metrics.js';

export interface ShapeFamily {
  desc: MetricDesc;
  /** Index range of this family's samples in the shape's entries (and the target's values). */
  start: number;
  end: number;
  /** `,name="value"` text of each sample's own labels, to follow the target's labels. */
  labelSuffixes: string[];
}

export class ResultShape {
  /** Targets whose latest result has this shape. */
  users = 0;
  constructor(
    readonly key: string,
    readonly families: ReadonlyMap<string, ShapeFamily>,
    readonly size: number,
  ) {}
}

/**
 * The probe families kept per target without probe details (`--no-scheduler.probe-details`): the
 * result, its duration, and the two the shipped rules read (PanelDown's reason, the certificate alerts).
 */
export const SUMMARY_FAMILIES: ReadonlySet<string> = new Set(['probe_success', 'probe_duration_seconds', 'probe_failure_info', 'probe_ssl_earliest_cert_expiry']);

export class ShapeTable {
  private readonly shapes = new Map<string, ResultShape>();
  /** Every family name seen in any result, in order of first appearance, for rendering. */
  readonly descs = new Map<string, MetricDesc>();

  /** `kept`: the only family names stored (all when undefined); the others are dropped at once. */
  constructor(private readonly kept?: ReadonlySet<string>) {}

  get size(): number {
    return this.shapes.size;
  }

  /** The shape of `families` (shared when already known, its user count raised) and their values. */
  intern(families: MetricFamilies): { shape: ResultShape; values: Float64Array } {
    let key = '';
    let size = 0;
    const kept = this.keptFamilies(families);
    for (const family of kept) {
      key += `${family.desc.name}\u0000`;
      for (const sample of family.samples) key += `${sample.labelValues.join('\u0001')}\u0002`;
      size += family.samples.length;
    }
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      const byName = new Map<string, ShapeFamily>();
      let index = 0;
      for (const { desc, samples } of kept) {
        if (!this.descs.has(desc.name)) this.descs.set(desc.name, desc);
        // An empty label value means "no such label" to Prometheus; leaving it out keeps every value non-empty.
        const labelSuffixes = samples.map((sample) =>
          desc.labelNames.map((name, i) => (sample.labelValues[i] ? `,${name}="${escapeLabelValue(sample.labelValues[i])}"` : '')).join(''),
        );
        byName.set(desc.name, { desc, start: index, end: index + samples.length, labelSuffixes });
        index += samples.length;
      }
      shape = new ResultShape(key, byName, size);
      this.shapes.set(key, shape);
    }
    shape.users++;
    const values = new Float64Array(size);
    let index = 0;
    for (const family of kept) {
      for (const sample of family.samples) values[index++] = sample.value;
    }
    return { shape, values };
  }

  private keptFamilies(families: MetricFamilies): MetricFamily[] {
    const all = [...families.families()];
    const kept = this.kept;
    return kept === undefined ? all : all.filter((family) => kept.has(family.desc.name));
  }

  /** A target stopped using `shape`; unused shapes are forgotten (their label values may be one-offs). */
  release(shape: ResultShape | undefined): void {
    if (shape === undefined) return;
    shape.users--;
    if (shape.users === 0) this.shapes.delete(shape.key);
  }
}
