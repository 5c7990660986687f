/** /proc/cpuinfo (x86 layout): one record per `processor` block, with the fields node_exporter's cpu info reports. */

export interface CpuInfo {
  processor: string;
  vendorId: string;
  cpuFamily: string;
  model: string;
  modelName: string;
  stepping: string;
  microcode: string;
  cacheSize: string;
  physicalId: string;
  coreId: string;
  /** Undefined when the line is missing or not a number. */
  mhz?: number;
  flags: string[];
  bugs: string[];
}

function emptyCpu(processor: string): CpuInfo {
  const text = { vendorId: '', cpuFamily: '', model: '', modelName: '', stepping: '', microcode: '', cacheSize: '', physicalId: '', coreId: '' };
  return { processor, ...text, flags: [], bugs: [] };
}

const TEXT_FIELDS: Record<string, keyof CpuInfo> = {
  vendor: 'vendorId',
  vendor_id: 'vendorId',
  'cpu family': 'cpuFamily',
  model: 'model',
  'model name': 'modelName',
  stepping: 'stepping',
  microcode: 'microcode',
  'cache size': 'cacheSize',
  'physical id': 'physicalId',
  'core id': 'coreId',
};

export function parseCpuinfo(text: string, source = 'cpuinfo'): CpuInfo[] {
  const cpus: CpuInfo[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (key === 'processor') {
      if (!/^\d+$/.test(value.trim())) throw new Error(`${source}: invalid processor line ${JSON.stringify(line)}`);
      cpus.push(emptyCpu(value.trim()));
      continue;
    }
    const cpu = cpus.at(-1);
    if (cpu === undefined) throw new Error(`${source}: ${JSON.stringify(line)} before the first processor line`);
    const field = TEXT_FIELDS[key];
    if (field !== undefined) (cpu[field] as string) = value;
    else if (key === 'flags') cpu.flags = value.split(/\s+/).filter((flag) => flag !== '');
    else if (key === 'bugs') cpu.bugs = value.split(/\s+/).filter((bug) => bug !== '');
    else if (key === 'cpu MHz' && value.trim() !== '' && !Number.isNaN(Number(value))) cpu.mhz = Number(value);
  }
  return cpus;
}
