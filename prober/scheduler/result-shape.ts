/**
 * Compact storage of each target's latest probe metrics. Most targets of a module produce the same
 * families with the same label values (the "shape"); the shape is stored once and shared, and each
 * target keeps only its numbers, a small Float64Array. At 10,000 targets this is a few hundred
 * bytes per target instead of kilobytes of objects or rendered text.
 */
import { escapeLabelValue, type MetricDesc } from '../../common/metrics.js';
import type { FlatFamilies } from './family-codec.js';

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

  /**
   * The shape of `flat` (shared when already known, its user count raised) and its values: the
   * result's own Float64Array when every family is kept, so a worker's answer is stored as it came.
   */
  intern(flat: FlatFamilies): { shape: ResultShape; values: Float64Array } {
    const { descs, counts, labels } = flat;
    let key = '';
    let size = 0;
    let label = 0;
    for (let i = 0; i < descs.length; i++) {
      const width = descs[i]!.labelNames.length;
      const end = label + width * counts[i]!;
      if (this.keeps(descs[i]!)) {
        key += `${descs[i]!.name}\u0000`;
        for (let at = label; at < end; at++) key += `${labels[at]!}${(at - label + 1) % width === 0 ? '\u0002' : '\u0001'}`;
        if (width === 0) key += '\u0002'.repeat(counts[i]!);
        size += counts[i]!;
      }
      label = end;
    }
    const shape = this.shapes.get(key) ?? this.addShape(key, flat, size);
    shape.users++;
    return { shape, values: size === flat.values.length ? flat.values : this.keptValues(flat, size) };
  }

  /** A target stopped using `shape`; unused shapes are forgotten (their label values may be one-offs). */
  release(shape: ResultShape | undefined): void {
    if (shape === undefined) return;
    shape.users--;
    if (shape.users === 0) this.shapes.delete(shape.key);
  }

  private keeps(desc: MetricDesc): boolean {
    return this.kept === undefined || this.kept.has(desc.name);
  }

  private addShape(key: string, { descs, counts, labels }: FlatFamilies, size: number): ResultShape {
    const byName = new Map<string, ShapeFamily>();
    let index = 0;
    let label = 0;
    descs.forEach((desc, i) => {
      const width = desc.labelNames.length;
      const count = counts[i]!;
      if (this.keeps(desc)) {
        if (!this.descs.has(desc.name)) this.descs.set(desc.name, desc);
        const labelSuffixes: string[] = [];
        for (let sample = 0; sample < count; sample++) {
          // An empty label value means "no such label" to Prometheus; leaving it out keeps every value non-empty.
          const own = labels.slice(label + sample * width, label + (sample + 1) * width);
          labelSuffixes.push(desc.labelNames.map((name, j) => (own[j] ? `,${name}="${escapeLabelValue(own[j])}"` : '')).join(''));
        }
        byName.set(desc.name, { desc, start: index, end: index + count, labelSuffixes });
        index += count;
      }
      label += width * count;
    });
    const shape = new ResultShape(key, byName, size);
    this.shapes.set(key, shape);
    return shape;
  }

  private keptValues({ descs, counts, values }: FlatFamilies, size: number): Float64Array {
    const kept = new Float64Array(size);
    let from = 0;
    let to = 0;
    descs.forEach((desc, i) => {
      const count = counts[i]!;
      if (this.keeps(desc)) {
        kept.set(values.subarray(from, from + count), to);
        to += count;
      }
      from += count;
    });
    return kept;
  }
}
