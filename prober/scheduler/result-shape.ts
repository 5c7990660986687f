/**
 * Compact storage of each target's latest probe metrics. Most targets of a module produce the same
 * families with the same label values (the "shape"); the shape is stored once and shared, and each
 * target keeps only its numbers, a small Float64Array. At 10,000 targets this is a few hundred
 * bytes per target instead of kilobytes of objects or rendered text.
 */
import { escapeLabelValue, type MetricDesc, type MetricFamilies } from '../../common/metrics.js';

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

export class ShapeTable {
  private readonly shapes = new Map<string, ResultShape>();
  /** Every family name seen in any result, in order of first appearance, for rendering. */
  readonly descs = new Map<string, MetricDesc>();

  get size(): number {
    return this.shapes.size;
  }

  /** The shape of `families` (shared when already known, its user count raised) and their values. */
  intern(families: MetricFamilies): { shape: ResultShape; values: Float64Array } {
    let key = '';
    let size = 0;
    for (const family of families.families()) {
      key += `${family.desc.name}\u0000`;
      for (const sample of family.samples) key += `${sample.labelValues.join('\u0001')}\u0002`;
      size += family.samples.length;
    }
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      const byName = new Map<string, ShapeFamily>();
      let index = 0;
      for (const { desc, samples } of families.families()) {
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
    for (const family of families.families()) {
      for (const sample of family.samples) values[index++] = sample.value;
    }
    return { shape, values };
  }

  /** A target stopped using `shape`; unused shapes are forgotten (their label values may be one-offs). */
  release(shape: ResultShape | undefined): void {
    if (shape === undefined) return;
    shape.users--;
    if (shape.users === 0) this.shapes.delete(shape.key);
  }
}
