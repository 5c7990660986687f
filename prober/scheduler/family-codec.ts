/**
 * Probe families as they cross from a probe worker to the scheduler: names, flat label values and
 * a Float64Array instead of nested objects (structured cloning a probe's ~15 families as objects
 * costs ~60 µs a check, this ~10 µs). A family's description goes along only the first time a
 * worker sends that name; messages between two threads keep their order, so it always comes first.
 */
import { MetricFamilies, type MetricDesc } from '../../common/metrics.js';

export interface EncodedFamilies {
  /** Descriptions this worker had not sent before. */
  descs: MetricDesc[];
  names: string[];
  /** Samples of each family, in the order of `names`. */
  counts: number[];
  /** Every sample's label values, one after another (each family's desc says how many). */
  labels: string[];
  values: Float64Array;
}

export class FamilyEncoder {
  private readonly described = new Set<string>();

  encode(families: MetricFamilies): EncodedFamilies {
    const descs: MetricDesc[] = [];
    const names: string[] = [];
    const counts: number[] = [];
    const labels: string[] = [];
    const values: number[] = [];
    for (const { desc, samples } of families.families()) {
      if (!this.described.has(desc.name)) {
        this.described.add(desc.name);
        descs.push(desc);
      }
      names.push(desc.name);
      counts.push(samples.length);
      for (const sample of samples) {
        labels.push(...sample.labelValues);
        values.push(sample.value);
      }
    }
    return { descs, names, counts, labels, values: Float64Array.from(values) };
  }
}

export class FamilyDecoder {
  /** One description object per family name, whichever worker sent it. */
  private readonly descs = new Map<string, MetricDesc>();

  decode(encoded: EncodedFamilies): MetricFamilies {
    for (const desc of encoded.descs) {
      if (!this.descs.has(desc.name)) this.descs.set(desc.name, Object.freeze({ ...desc, labelNames: Object.freeze([...desc.labelNames]) }));
    }
    const families = new MetricFamilies();
    let label = 0;
    let value = 0;
    encoded.names.forEach((name, i) => {
      const desc = this.descs.get(name);
      if (desc === undefined) throw new Error(`family ${name} arrived before its description`);
      const width = desc.labelNames.length;
      for (let sample = 0; sample < encoded.counts[i]!; sample++) {
        families.add(desc, encoded.values[value++]!, encoded.labels.slice(label, label + width));
        label += width;
      }
    });
    return families;
  }
}
