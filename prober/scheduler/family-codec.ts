/**
 * Probe families as they cross from a probe worker to the scheduler: names, flat label values and
 * a Float64Array instead of nested objects (structured cloning a probe's ~15 families as objects
 * costs ~60 µs a check, this ~10 µs). A family's description goes along only the first time a
 * worker sends that name; messages between two threads keep their order, so it always comes first.
 * The scheduler stores results from the same flat form (FlatFamilies), so a worker's answer is
 * never turned back into objects.
 */
import { MetricFamilies, type MetricDesc } from '../../common/metrics.js';

/** A probe's families, flat: one description and count per family, then every label value and value in order. */
export interface FlatFamilies {
  descs: readonly MetricDesc[];
  /** Samples of each family, in the order of `descs`. */
  counts: readonly number[];
  /** Every sample's label values, one after another (each family's desc says how many). */
  labels: readonly string[];
  values: Float64Array;
}

export interface EncodedFamilies {
  /** Descriptions this worker had not sent before. */
  descs: readonly MetricDesc[];
  names: readonly string[];
  counts: readonly number[];
  labels: readonly string[];
  values: Float64Array;
}

export function flatten(families: MetricFamilies): FlatFamilies {
  const descs: MetricDesc[] = [];
  const counts: number[] = [];
  const labels: string[] = [];
  let size = 0;
  for (const { desc, samples } of families.families()) {
    descs.push(desc);
    counts.push(samples.length);
    size += samples.length;
    for (const sample of samples) labels.push(...sample.labelValues);
  }
  const values = new Float64Array(size);
  let index = 0;
  for (const family of families.families()) {
    for (const sample of family.samples) values[index++] = sample.value;
  }
  return { descs, counts, labels, values };
}

/** The first value of family `name`, if the result has it. */
export function firstValue(flat: FlatFamilies, name: string): number | undefined {
  let offset = 0;
  for (let i = 0; i < flat.descs.length; i++) {
    if (flat.descs[i]!.name === name) return flat.counts[i]! > 0 ? flat.values[offset] : undefined;
    offset += flat.counts[i]!;
  }
  return undefined;
}

export class FamilyEncoder {
  private readonly described = new Set<string>();

  encode(families: MetricFamilies): EncodedFamilies {
    const { descs, counts, labels, values } = flatten(families);
    const fresh = descs.filter((desc) => !this.described.has(desc.name));
    for (const desc of fresh) this.described.add(desc.name);
    return { descs: fresh, names: descs.map((desc) => desc.name), counts, labels, values };
  }
}

export class FamilyDecoder {
  /** One description object per family name, whichever worker sent it. */
  private readonly descs = new Map<string, MetricDesc>();

  /** The encoded families as FlatFamilies, sharing their arrays. */
  flat(encoded: EncodedFamilies): FlatFamilies {
    for (const desc of encoded.descs) {
      if (!this.descs.has(desc.name)) this.descs.set(desc.name, Object.freeze({ ...desc, labelNames: Object.freeze([...desc.labelNames]) }));
    }
    const descs = encoded.names.map((name) => {
      const desc = this.descs.get(name);
      if (desc === undefined) throw new Error(`family ${name} arrived before its description`);
      return desc;
    });
    return { descs, counts: encoded.counts, labels: encoded.labels, values: encoded.values };
  }
}

/** Flat families as MetricFamilies again (for a caller that wants the objects). */
export function unflatten(flat: FlatFamilies): MetricFamilies {
  const families = new MetricFamilies();
  let label = 0;
  let value = 0;
  flat.descs.forEach((desc, i) => {
    const width = desc.labelNames.length;
    for (let sample = 0; sample < flat.counts[i]!; sample++) {
      families.add(desc, flat.values[value++]!, flat.labels.slice(label, label + width));
      label += width;
    }
  });
  return families;
}
