/** /sys/devices/system/node/nodeN/{meminfo,numastat}: per-NUMA-node memory fields and allocation counters. */

export interface NumaField {
  /** Family suffix: `MemTotal`, `Inactive_file`, `numa_hit_total`… */
  name: string;
  value: number;
}

/**
 * `Node 0 Inactive(file):  1024 kB` → `Inactive_file`, 1048576 (kB are converted to bytes; fields
 * without a unit, such as HugePages_Total, are counts).
 */
export function parseNodeMeminfo(text: string, source: string): NumaField[] {
  const fields: NumaField[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') continue;
    const value = Number(parts[3]);
    const unitOk = parts.length === 4 || (parts.length === 5 && parts[4] === 'kB');
    if (parts[0] !== 'Node' || !unitOk || parts[3] === undefined || Number.isNaN(value)) throw new Error(`${source}: invalid line ${JSON.stringify(line)}`);
    const name = (parts[2] as string).replace(/:$/, '').replace(/\((.*)\)/, '_$1');
    fields.push({ name, value: parts.length === 5 ? value * 1024 : value });
  }
  return fields;
}

/** `numa_hit 63935257` → `numa_hit_total`. */
export function parseNumastat(text: string, source: string): NumaField[] {
  const fields: NumaField[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') continue;
    const value = Number(parts[1]);
    if (parts.length !== 2 || Number.isNaN(value)) throw new Error(`${source}: invalid line ${JSON.stringify(line)}`);
    fields.push({ name: `${parts[0]}_total`, value });
  }
  return fields;
}
