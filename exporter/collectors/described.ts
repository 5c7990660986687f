/** Descriptors for families whose names come from the data (meminfo, vmstat fields), made once per name. */
import { describeMetric, type MetricDesc, type MetricType } from '../../common/metrics.js';

export class DescriptorCache {
  readonly #byKey = new Map<string, MetricDesc>();
  readonly #describe: (key: string) => { name: string; help: string };
  readonly #type: MetricType;

  constructor(type: MetricType, describe: (key: string) => { name: string; help: string }) {
    this.#type = type;
    this.#describe = describe;
  }

  get(key: string): MetricDesc {
    let desc = this.#byKey.get(key);
    if (desc === undefined) {
      const { name, help } = this.#describe(key);
      desc = describeMetric(name, help, this.#type);
      this.#byKey.set(key, desc);
    }
    return desc;
  }
}
